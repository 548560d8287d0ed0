import { availableParallelism } from 'node:os';
import { Worker, type Transferable } from 'node:worker_threads';
import { RemoteError } from '../../../src-shared/errors';
import { PoolClosedError, PoolQueueFullError, TaskCancelledError, WorkerCrashedError } from './pool-errors';
import { workerLaunch } from './worker-entry';
import type { FromWorker, SerializedError, ToWorker } from './worker-protocol';

export interface WorkerPoolOptions {
  /** The worker module (.ts from source, .js when built); see worker-entry.ts. */
  entry: URL;
  /** Worker threads; defaults to the cores available. */
  size?: number;
  /** Tasks allowed to wait for a worker before run() refuses more (default 10,000). */
  maxQueued?: number;
  /** Passed to every worker (structured clone), e.g. parameters. */
  workerData?: unknown;
  /**
   * Sent to every worker once it resolves (serve-tasks' lateWorkerInput), so workers load their
   * code while it is still being worked out, e.g. keys behind a passphrase. The pool is ready
   * only after it; if it rejects, create() rejects with its error.
   */
  lateData?: Promise<unknown>;
  /** Turns a worker's error back into its typed class; default: a RemoteError with the same code. */
  reviveError?: (error: SerializedError) => Error | undefined;
}

export interface TaskSpec {
  /** Names the task in errors: "ingesting /a/b.bin". */
  label: string;
  /** Builds the payload when a worker takes the task, so late additions (batching) still count. */
  prepare(): { payload: unknown; transfer?: Transferable[] };
  /** Called when a worker takes the task, with the way to message it while it runs. */
  onStart?(reply: TaskReply): void;
  /** Messages the worker posts while the task runs; `reply` answers on the same task. */
  onMessage?(payload: unknown, reply: TaskReply): void;
  /** Aborting removes a waiting task, or asks the worker to stop a running one. */
  signal?: AbortSignal;
}

/** Sends a message to the worker running a task; ignored once the task has ended. */
export type TaskReply = (payload: unknown, transfer?: Transferable[]) => void;

interface Task {
  id: number;
  reply: TaskReply;
  spec: TaskSpec;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  slot: Slot | null;
  abortListener: (() => void) | null;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task: Task | null;
  crash: Error | null;
}

/** Consecutive workers that die before becoming ready; past this the pool gives up. */
const maxStartFailures = 3;

/**
 * A fixed-size pool of worker threads running one task each at a time, in arrival order.
 * A worker that dies fails only its own task (WorkerCrashedError) and is replaced. Idle
 * workers do not keep the process alive.
 */
export class WorkerPool {
  private readonly options: WorkerPoolOptions;
  private readonly slots: Slot[] = [];
  private queue: Task[] = [];
  private nextTaskId = 1;
  private startFailures = 0;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closeWaiters: (() => void)[] = [];
  private startupError: Error | null = null;

  private constructor(options: WorkerPoolOptions) {
    this.options = options;
  }

  /** Starts the workers and resolves when all are ready (their setup ran without error). */
  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    const size = options.size ?? availableParallelism();
    if (!Number.isInteger(size) || size < 1 || size > 256) {
      throw new PoolClosedError('the worker pool', `size ${size} is not a whole number of workers between 1 and 256`);
    }
    try {
      const started = Promise.all(Array.from({ length: size }, () => pool.spawn()));
      started.catch(() => {}); // awaited below; after a lateData failure it rejects as workers stop
      // Workers wait for lateData before they are ready: its failure is the pool's.
      await (options.lateData ? Promise.all([started, options.lateData]) : started);
    } catch (err) {
      await pool.destroy();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Tasks waiting for a worker. */
  get queued(): number {
    return this.queue.length;
  }

  /** Workers running a task now. */
  get busy(): number {
    return this.slots.filter((slot) => slot.task !== null).length;
  }

  /** Runs a task on the next free worker; resolves with what the worker's handler returned. */
  run<TResult>(spec: TaskSpec): Promise<TResult> {
    if (this.state !== 'open') return Promise.reject(new PoolClosedError(spec.label));
    if (spec.signal?.aborted) return Promise.reject(new TaskCancelledError(spec.label));
    const maxQueued = this.options.maxQueued ?? 10_000;
    if (this.queue.length >= maxQueued) return Promise.reject(new PoolQueueFullError(spec.label, maxQueued));
    return new Promise<TResult>((resolve, reject) => {
      const task: Task = {
        id: this.nextTaskId++,
        reply: () => {},
        spec,
        resolve: resolve as (value: unknown) => void,
        reject,
        slot: null,
        abortListener: null,
      };
      if (spec.signal) {
        task.abortListener = () => this.cancel(task);
        spec.signal.addEventListener('abort', task.abortListener, { once: true });
      }
      this.queue.push(task);
      this.dispatch();
    });
  }

  /** Finishes every accepted task, then stops the workers. New tasks are refused meanwhile. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closing';
    if (this.queue.length > 0 || this.busy > 0) await new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    await this.terminateAll();
  }

  /** Stops the workers now; waiting and running tasks fail with PoolClosedError. */
  async destroy(): Promise<void> {
    this.state = 'closing';
    for (const task of this.queue.splice(0)) this.settle(task, new PoolClosedError(task.spec.label));
    for (const slot of this.slots) if (slot.task) this.settle(slot.task, new PoolClosedError(slot.task.spec.label));
    await this.terminateAll();
  }

  private async terminateAll(): Promise<void> {
    this.state = 'closed';
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    for (const waiter of this.closeWaiters.splice(0)) waiter();
  }

  private spawn(): Promise<void> {
    const launch = workerLaunch(this.options.entry, this.options.workerData);
    const worker = new Worker(launch.url, { workerData: launch.workerData, execArgv: launch.execArgv });
    const slot: Slot = { worker, ready: false, task: null, crash: null };
    this.slots.push(slot);
    worker.unref();
    this.options.lateData?.then(
      (data) => worker.postMessage({ kind: 'setup', data } satisfies ToWorker),
      () => {}, // create() reports it
    );
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if (message.kind === 'ready') {
          slot.ready = true;
          this.startFailures = 0;
          resolve();
          this.dispatch();
        } else {
          this.onTaskMessage(slot, message);
        }
      });
      worker.on('error', (err) => {
        slot.crash = err;
      });
      worker.on('exit', (exitCode) => {
        const reason = slot.crash?.message ?? `it exited with code ${exitCode}`;
        const index = this.slots.indexOf(slot);
        if (index >= 0) this.slots.splice(index, 1);
        if (slot.task) this.settle(slot.task, new WorkerCrashedError(slot.task.spec.label, reason));
        if (!slot.ready) {
          const failure = new PoolClosedError('the worker pool', `a worker failed to start: ${reason}`);
          reject(failure);
          if (++this.startFailures >= maxStartFailures) this.giveUp(failure);
        }
        // Replace it while accepted work remains (also while closing, so close() can finish).
        if (this.state !== 'closed' && index >= 0 && this.startupError === null && (slot.ready || this.startFailures < maxStartFailures)) {
          this.spawn().catch(() => {});
        }
        this.dispatch();
      });
    });
  }

  /** Workers keep dying at startup (a broken build or environment): fail instead of looping. */
  private giveUp(error: Error): void {
    this.startupError = error;
    for (const task of this.queue.splice(0)) this.settle(task, error);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (!slot.ready || slot.task !== null) continue;
      const task = this.queue.shift()!;
      let prepared: ReturnType<TaskSpec['prepare']>;
      try {
        prepared = task.spec.prepare();
      } catch (err) {
        this.settle(task, err);
        continue;
      }
      slot.task = task;
      task.slot = slot;
      task.reply = (payload, transfer) => {
        if (slot.task === task) slot.worker.postMessage({ kind: 'message', taskId: task.id, payload } satisfies ToWorker, transfer ?? []);
      };
      slot.worker.ref();
      const message: ToWorker = { kind: 'task', taskId: task.id, payload: prepared.payload };
      slot.worker.postMessage(message, prepared.transfer ?? []);
      task.spec.onStart?.(task.reply);
    }
    if (this.startupError && this.slots.length === 0) {
      for (const task of this.queue.splice(0)) this.settle(task, this.startupError);
    }
    if (this.state === 'closing' && this.queue.length === 0 && this.busy === 0) {
      for (const waiter of this.closeWaiters.splice(0)) waiter();
    }
  }

  private onTaskMessage(slot: Slot, message: Exclude<FromWorker, { kind: 'ready' }>): void {
    const task = slot.task;
    if (!task || task.id !== message.taskId) return;
    switch (message.kind) {
      case 'message':
        task.spec.onMessage?.(message.payload, task.reply);
        return;
      case 'result':
        this.settle(task, null, message.payload);
        break;
      case 'error':
        this.settle(task, this.revive(message.error));
        break;
    }
    this.dispatch();
  }

  private revive(error: SerializedError): Error {
    const revived = this.options.reviveError?.(error);
    if (revived) return revived;
    const wire = { code: error.code, message: error.message, hint: error.hint, details: error.details };
    return new RemoteError(wire);
  }

  private cancel(task: Task): void {
    const queuedAt = this.queue.indexOf(task);
    if (queuedAt >= 0) {
      this.queue.splice(queuedAt, 1);
      this.settle(task, new TaskCancelledError(task.spec.label));
    } else if (task.slot && task.slot.task === task) {
      task.slot.worker.postMessage({ kind: 'cancel', taskId: task.id } satisfies ToWorker);
    }
  }

  /** Ends a task exactly once: frees its worker and detaches its abort listener. */
  private settle(task: Task, error: unknown, result?: unknown): void {
    if (task.abortListener) task.spec.signal?.removeEventListener('abort', task.abortListener);
    task.abortListener = null;
    const slot = task.slot;
    if (slot && slot.task === task) {
      slot.task = null;
      slot.worker.unref();
    }
    task.slot = null;
    if (error) task.reject(error);
    else task.resolve(result);
  }
}
