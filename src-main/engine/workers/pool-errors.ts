import { CairnError } from '../../../src-shared/errors';

/** A worker thread died (uncaught error, out of memory, exit) while running a task. */
export class WorkerCrashedError extends CairnError {
  constructor(task: string, reason: string) {
    super('INTERNAL', `A worker thread crashed while ${task}: ${reason}.`, {
      hint: 'The worker was replaced; retrying usually works. If it keeps happening this is a bug in Cairn; the log has details.',
    });
    this.name = 'WorkerCrashedError';
  }
}

/** The pool was closed (or could not start workers) before the task ran. */
export class PoolClosedError extends CairnError {
  constructor(task: string, reason = 'the worker pool is shut down') {
    super('UNAVAILABLE', `Cannot run ${task}: ${reason}.`, {
      hint: 'Create a new pool; a closed pool accepts no work.',
    });
    this.name = 'PoolClosedError';
  }
}

/** More tasks are waiting than the pool accepts; the caller should wait for some to finish. */
export class PoolQueueFullError extends CairnError {
  constructor(task: string, limit: number) {
    super('UNAVAILABLE', `Cannot queue ${task}: ${limit} tasks are already waiting for a worker.`, {
      hint: 'Await earlier tasks before starting more (e.g. with p-limit), or raise maxQueued.',
    });
    this.name = 'PoolQueueFullError';
  }
}

/** A task cancelled through its AbortSignal. */
export class TaskCancelledError extends CairnError {
  constructor(task: string) {
    super('CANCELLED', `Cancelled ${task}.`);
    this.name = 'TaskCancelledError';
  }
}
