import { CairnError } from '../../../src-shared/errors';
import { setTimeout as delay } from 'node:timers/promises';
import { OperationCancelledError } from './backend-errors';

/** When to try again and how long to wait first. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Upper bound of the wait after the first failure; doubles per failure. */
  baseDelayMs: number;
  /** No wait is longer than this. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 30_000 };

/** Waits `ms`, or rejects with OperationCancelledError when `signal` fires first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = async (ms, signal) => {
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch (err) {
    throw new OperationCancelledError('waiting to retry', { cause: err });
  }
};

const retryableErrnos = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * True for failures that may go away by themselves: UNAVAILABLE (unreachable, 5xx, 429, cut
 * bodies) and TIMEOUT, and raw network errors that slipped through unmapped. Never for answers
 * that will not change (NOT_FOUND, UNAUTHORIZED, ALREADY_EXISTS, INVALID_INPUT, ...).
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof CairnError) return err.code === 'UNAVAILABLE' || err.code === 'TIMEOUT';
  if (typeof err !== 'object' || err === null) return false;
  const { code, name, $metadata } = err as { code?: unknown; name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (typeof code === 'string' && retryableErrnos.has(code)) return true;
  if (name === 'TimeoutError') return true;
  const status = $metadata?.httpStatusCode;
  return typeof status === 'number' && (status >= 500 || status === 429);
}

/**
 * The wait before attempt `failures + 1`, "full jitter": uniformly random between 0 and the
 * exponential bound, so many clients failing together do not retry in lockstep.
 * `random` returns [0, 1).
 */
export function backoffDelayMs(failures: number, policy: RetryPolicy, random: () => number): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.floor(random() * bound);
}
