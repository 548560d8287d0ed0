import { parentPort, workerData, type Transferable } from 'node:worker_threads';
import { CairnError } from '../../../src-shared/errors';
import type { WorkerEnvelope } from './worker-entry';
import type { FromWorker, SerializedError, ToWorker } from './worker-protocol';

/** What a task handler can do besides returning its result. */
export interface TaskContext {
  /** Aborted when the pool cancels this task. */
  readonly signal: AbortSignal;
  /** Sends a message to the task's onMessage on the main thread. */
  post(payload: unknown, transfer?: Transferable[]): void;
  /** Receives the main thread's replies to this task (the last handler set wins). */
  onMessage(handler: (payload: unknown) => void): void;
}

export type TaskHandler = (payload: unknown, context: TaskContext) => Promise<unknown> | unknown;

/** The `workerData` the pool gave this worker (its `workerData` option). */
export function workerInput(): unknown {
  return (workerData as WorkerEnvelope | null)?.data;
}

let receiveLateInput: (data: unknown) => void = () => {};
const lateInput = new Promise<unknown>((resolve) => (receiveLateInput = resolve));

/**
 * The pool's `lateData` (e.g. keys, known only once the passphrase is checked), for a setup
 * that needs it: the worker loads its code meanwhile. Never resolves for a pool without it.
 */
export function lateWorkerInput(): Promise<unknown> {
  return lateInput;
}

/** An error as a plain object that survives postMessage; CairnErrors keep code and hint. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof CairnError) {
    const wire = err.toWire();
    return { name: err.name, ...wire };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { name: 'Error', code: 'INTERNAL', message: `Internal error in a worker thread: ${message}`, hint: 'This is a bug in Cairn; the log has details.' };
}

/**
 * Runs in a worker: performs `setup` once (an error there fails the pool's start), tells the
 * pool it is ready, then runs each task it is given with `handler`, one at a time.
 */
export function serveTasks(setup: () => Promise<void> | void, handler: TaskHandler): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks() runs only inside a worker thread.');
  const send = (message: FromWorker, transfer?: Transferable[]) => port.postMessage(message, transfer ?? []);
  const running = new Map<number, { controller: AbortController; onMessage: ((payload: unknown) => void) | null }>();

  port.on('message', (message: ToWorker) => {
    if (message.kind === 'setup') {
      receiveLateInput(message.data);
    } else if (message.kind === 'task') {
      const entry = { controller: new AbortController(), onMessage: null as ((payload: unknown) => void) | null };
      running.set(message.taskId, entry);
      const context: TaskContext = {
        signal: entry.controller.signal,
        post: (payload, transfer) => send({ kind: 'message', taskId: message.taskId, payload }, transfer),
        onMessage: (handle) => {
          entry.onMessage = handle;
        },
      };
      Promise.resolve()
        .then(() => handler(message.payload, context))
        .then(
          (result) => send({ kind: 'result', taskId: message.taskId, payload: result }),
          (err: unknown) => send({ kind: 'error', taskId: message.taskId, error: serializeError(err) }),
        )
        .finally(() => running.delete(message.taskId));
    } else if (message.kind === 'message') {
      running.get(message.taskId)?.onMessage?.(message.payload);
    } else {
      running.get(message.taskId)?.controller.abort();
    }
  });

  Promise.resolve()
    .then(setup)
    .then(() => send({ kind: 'ready' }))
    .catch((err: unknown) => {
      // Crash on purpose: the pool reports a worker that dies before it is ready.
      setImmediate(() => {
        throw err;
      });
    });
}
