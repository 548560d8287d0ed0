import type { ErrorCode } from '../../../src-shared/errors';

/**
 * Messages between a pool and its workers. One task runs on a worker at a time; while it
 * runs, both sides may exchange task messages (progress one way, acknowledgements the other).
 */
export type ToWorker =
  /** The pool's `lateData`, once known (sent once, before any task). */
  | { kind: 'setup'; data: unknown }
  | { kind: 'task'; taskId: number; payload: unknown }
  | { kind: 'message'; taskId: number; payload: unknown }
  | { kind: 'cancel'; taskId: number };

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'message'; taskId: number; payload: unknown }
  | { kind: 'result'; taskId: number; payload: unknown }
  | { kind: 'error'; taskId: number; error: SerializedError };

/** An error as it crosses a thread boundary; `name` lets the pool revive the typed class. */
export interface SerializedError {
  name: string;
  code: ErrorCode;
  message: string;
  hint?: string;
  details?: unknown;
}
