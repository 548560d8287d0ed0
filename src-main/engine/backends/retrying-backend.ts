import { Readable } from 'node:stream';
import { ObjectExistsError, ObjectNotFoundError, type Backend, type ByteRange, type IncompleteUploadsReport, type ListOptions, type ObjectInfo, type PutOptions, type PutResult } from './backend';
import { OperationCancelledError } from './backend-errors';
import { backoffDelayMs, defaultRetryPolicy, isRetryable, realSleep, type RetryPolicy, type Sleep } from './retry-policy';

export interface RetryEvent {
  verb: string;
  key: string;
  /** Failures so far, this one included. */
  failures: number;
  delayMs: number;
  error: unknown;
}

export interface RetryingBackendOptions extends Partial<RetryPolicy> {
  /** Injected in tests so waits are computed, not slept. */
  sleep?: Sleep;
  /** Injected in tests for deterministic jitter; returns [0, 1). */
  random?: () => number;
  /** Cancels every wait and stops retrying (engine shutdown). Per-call signals also apply. */
  signal?: AbortSignal;
  /** Told before each wait, for logs. */
  onRetry?: (event: RetryEvent) => void;
}

/**
 * Retries another backend's operations on transient failures (see isRetryable), with
 * exponential backoff and full jitter, a bounded number of attempts, and cancellation.
 *
 * - put with a Buffer is retried; put with a stream is not (a stream cannot be replayed).
 * - A create-only put whose earlier attempt may have landed (the response was lost) and that
 *   now meets ObjectExistsError reads the object back: if it holds exactly our bytes, the
 *   write succeeded and is reported as such.
 * - list resumes after the last key it yielded; getStream resumes at the last byte delivered.
 */
export class RetryingBackend implements Backend {
  readonly name: string;
  private readonly policy: RetryPolicy;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(
    private readonly inner: Backend,
    private readonly options: RetryingBackendOptions = {},
  ) {
    this.name = inner.name;
    this.policy = {
      maxAttempts: Math.max(1, options.maxAttempts ?? defaultRetryPolicy.maxAttempts),
      baseDelayMs: options.baseDelayMs ?? defaultRetryPolicy.baseDelayMs,
      maxDelayMs: options.maxDelayMs ?? defaultRetryPolicy.maxDelayMs,
    };
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
  }

  get(key: string, range?: ByteRange): Promise<Buffer> {
    return this.attempt('get', key, undefined, () => this.inner.get(key, range));
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    const first = await this.attempt('getStream', key, undefined, () => this.inner.getStream(key, range));
    return Readable.from(this.resumingChunks(key, range, first), { objectMode: false });
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions = {}): Promise<PutResult> {
    if (!Buffer.isBuffer(body)) return this.inner.put(key, body, options);
    let attempts = 0;
    return this.attempt('put', key, options.signal, async () => {
      attempts += 1;
      try {
        return await this.inner.put(key, body, options);
      } catch (err) {
        if (err instanceof ObjectExistsError && options.ifNoneMatch && attempts > 1 && (await this.holdsExactly(key, body))) {
          return { size: body.length };
        }
        throw err;
      }
    });
  }

  head(key: string): Promise<ObjectInfo | null> {
    return this.attempt('head', key, undefined, () => this.inner.head(key));
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    let after = options.startAfter;
    let failures = 0;
    for (;;) {
      try {
        for await (const info of this.inner.list(prefix, { ...options, ...(after === undefined ? {} : { startAfter: after }) })) {
          after = info.key;
          failures = 0;
          yield info;
        }
        return;
      } catch (err) {
        failures += 1;
        await this.waitOrThrow('list', prefix, failures, err, options.signal);
      }
    }
  }

  delete(key: string): Promise<void> {
    return this.attempt('delete', key, undefined, () => this.inner.delete(key));
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  /** Forwards the optional capability (retried); a backend without it reports `supported: false`. */
  abortIncompleteUploads(olderThan: Date, signal?: AbortSignal): Promise<IncompleteUploadsReport> {
    const inner = this.inner;
    if (!inner.abortIncompleteUploads) return Promise.resolve({ supported: false, aborted: 0, kept: 0 });
    return this.attempt('abortIncompleteUploads', '', signal, () => inner.abortIncompleteUploads!(olderThan, signal));
  }

  /** Runs `operation` until it succeeds, fails for good, or runs out of attempts. */
  private async attempt<T>(verb: string, key: string, signal: AbortSignal | undefined, operation: () => Promise<T>): Promise<T> {
    for (let failures = 0; ; ) {
      try {
        return await operation();
      } catch (err) {
        failures += 1;
        await this.waitOrThrow(verb, key, failures, err, signal);
      }
    }
  }

  /** Rethrows `err` unless another attempt is due; otherwise waits the backoff first. */
  private async waitOrThrow(verb: string, key: string, failures: number, err: unknown, signal: AbortSignal | undefined): Promise<void> {
    const cancelled = [signal, this.options.signal].find((s) => s?.aborted);
    if (cancelled) throw new OperationCancelledError(`${verb} "${key}" on ${this.name}`, { cause: cancelled.reason });
    if (!isRetryable(err) || failures >= this.policy.maxAttempts) throw err;
    const delayMs = backoffDelayMs(failures, this.policy, this.random);
    this.options.onRetry?.({ verb, key, failures, delayMs, error: err });
    const signals = [signal, this.options.signal].filter((s): s is AbortSignal => s !== undefined);
    try {
      await this.sleep(delayMs, signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals));
    } catch (sleepError) {
      if (sleepError instanceof OperationCancelledError) throw sleepError;
      throw new OperationCancelledError(`${verb} "${key}" on ${this.name}`, { cause: sleepError });
    }
  }

  /** After an ambiguous create-only failure: does the stored object hold exactly `body`? */
  private async holdsExactly(key: string, body: Buffer): Promise<boolean> {
    const info = await this.attempt('head', key, undefined, () => this.inner.head(key));
    if (!info || info.size !== body.length) return false;
    const stored = await this.attempt('get', key, undefined, () => this.inner.get(key));
    return stored.equals(body);
  }

  /**
   * The chunks of `first`, re-opening the object at the next undelivered byte after a retryable
   * failure mid-stream. The failure count resets whenever bytes arrive.
   */
  private async *resumingChunks(key: string, range: ByteRange | undefined, first: Readable): AsyncGenerator<Buffer> {
    let stream = first;
    let delivered = 0;
    let failures = 0;
    let total = range?.length;
    for (;;) {
      try {
        for await (const chunk of stream) {
          const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
          delivered += buffer.length;
          failures = 0;
          yield buffer;
        }
        return;
      } catch (err) {
        stream.destroy();
        failures += 1;
        await this.waitOrThrow('getStream', key, failures, err, undefined);
        if (total === undefined) {
          const info = await this.attempt('head', key, undefined, () => this.inner.head(key));
          if (!info) throw new ObjectNotFoundError(this.name, key);
          total = info.size;
        }
        if (delivered >= total) return;
        const rest = { offset: (range?.offset ?? 0) + delivered, length: total - delivered };
        stream = await this.attempt('getStream', key, undefined, () => this.inner.getStream(key, rest));
      }
    }
  }
}
