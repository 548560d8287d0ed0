import { Readable } from 'node:stream';
import { CairnError } from '../../../src-shared/errors';
import type { Backend, ByteRange, IncompleteUploadsReport, ListOptions, ObjectInfo, PutOptions, PutResult } from './backend';

export const backendVerbs = ['get', 'getStream', 'put', 'head', 'list', 'delete'] as const;
export type BackendVerb = (typeof backendVerbs)[number];

/** One finished operation. `result` is 'ok' or the error code ('NOT_FOUND', 'UNAVAILABLE', ...). */
export interface BackendOperation {
  backend: string;
  verb: BackendVerb;
  /** The key, or the prefix for list. */
  key: string;
  result: string;
  /** Bytes read (get, getStream) or written (put). */
  bytes: number;
  durationMs: number;
  error?: unknown;
}

export interface BackendStatsSnapshot {
  /** Per verb, per result: how many operations ended that way. */
  operations: Record<BackendVerb, Record<string, number>>;
  /** Bytes read from the backend. */
  bytesIn: number;
  /** Bytes written to the backend. */
  bytesOut: number;
}

export interface InstrumentedBackendOptions {
  /** Told about every finished operation (for logs and metrics). */
  onOperation?: (operation: BackendOperation) => void;
  /** Milliseconds, monotonic; injected in tests. */
  now?: () => number;
}

/**
 * Counts another backend's operations by verb and result, and the bytes that cross it, without
 * changing behaviour. A streamed get counts when its stream ends (its bytes as they are read).
 */
export class InstrumentedBackend implements Backend {
  readonly name: string;
  private readonly operations = Object.fromEntries(backendVerbs.map((verb) => [verb, {}])) as Record<BackendVerb, Record<string, number>>;
  private bytesIn = 0;
  private bytesOut = 0;
  private readonly now: () => number;

  constructor(
    private readonly inner: Backend,
    private readonly options: InstrumentedBackendOptions = {},
  ) {
    this.name = inner.name;
    this.now = options.now ?? (() => performance.now());
  }

  /** A copy of the counters; later operations do not change it. */
  snapshot(): BackendStatsSnapshot {
    return {
      operations: Object.fromEntries(backendVerbs.map((verb) => [verb, { ...this.operations[verb] }])) as BackendStatsSnapshot['operations'],
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
    };
  }

  get(key: string, range?: ByteRange): Promise<Buffer> {
    return this.measure('get', key, () => this.inner.get(key, range), (body) => body.length);
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    const started = this.now();
    let stream: Readable;
    try {
      stream = await this.inner.getStream(key, range);
    } catch (err) {
      this.record('getStream', key, started, 0, err);
      throw err;
    }
    return Readable.from(this.counted(stream, key, started), { objectMode: false });
  }

  put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<PutResult> {
    return this.measure('put', key, () => this.inner.put(key, body, options), (result) => result.size);
  }

  head(key: string): Promise<ObjectInfo | null> {
    return this.measure('head', key, () => this.inner.head(key), () => 0);
  }

  async *list(prefix: string, options?: ListOptions): AsyncIterable<ObjectInfo> {
    const started = this.now();
    let failure: unknown;
    try {
      yield* this.inner.list(prefix, options);
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      this.record('list', prefix, started, 0, failure);
    }
  }

  delete(key: string): Promise<void> {
    return this.measure('delete', key, () => this.inner.delete(key), () => 0);
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  /** Forwards the optional capability (not counted: it is housekeeping, not data). */
  async abortIncompleteUploads(olderThan: Date, signal?: AbortSignal): Promise<IncompleteUploadsReport> {
    return (await this.inner.abortIncompleteUploads?.(olderThan, signal)) ?? { supported: false, aborted: 0, kept: 0 };
  }

  private async measure<T>(verb: BackendVerb, key: string, operation: () => Promise<T>, bytesOf: (value: T) => number): Promise<T> {
    const started = this.now();
    try {
      const value = await operation();
      this.record(verb, key, started, bytesOf(value));
      return value;
    } catch (err) {
      this.record(verb, key, started, 0, err);
      throw err;
    }
  }

  private async *counted(stream: Readable, key: string, started: number): AsyncGenerator<Buffer> {
    let bytes = 0;
    let failure: unknown;
    try {
      for await (const chunk of stream) {
        const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        bytes += buffer.length;
        yield buffer;
      }
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      // Also when the reader stops early: what it read is counted as a finished read.
      this.record('getStream', key, started, bytes, failure);
    }
  }

  private record(verb: BackendVerb, key: string, started: number, bytes: number, error?: unknown): void {
    const result = error === undefined ? 'ok' : error instanceof CairnError ? error.code : 'error';
    const counts = this.operations[verb];
    counts[result] = (counts[result] ?? 0) + 1;
    if (verb === 'put') this.bytesOut += bytes;
    else this.bytesIn += bytes;
    const operation: BackendOperation = { backend: this.name, verb, key, result, bytes, durationMs: this.now() - started };
    if (error !== undefined) operation.error = error;
    try {
      this.options.onOperation?.(operation);
    } catch {
      // A failing log callback must not fail the storage operation it describes.
    }
  }
}
