import { Readable } from 'node:stream';
import type { Backend, ByteRange, IncompleteUploadsReport, ListOptions, ObjectInfo, PutOptions, PutResult } from './backend';
import { TokenBucket, type Clock } from './token-bucket';

export interface RateLimitedBackendOptions {
  /** Limit for puts and gets together; 0 = unlimited. Ignored when `bucket` is given. */
  bytesPerSecond?: number;
  burstBytes?: number;
  /** A bucket shared with other backends (one limit across endpoints). */
  bucket?: TokenBucket;
  clock?: Clock;
}

/**
 * Limits the bytes per second another backend moves, puts and gets together, through one token
 * bucket. Streams are paced chunk by chunk. A Buffer put or get is charged whole, before the
 * transfer (so S3 still gets a Buffer it can checksum and a retry can replay), which makes a
 * single transfer burst but keeps the average at the limit. Metadata calls are not limited.
 */
export class RateLimitedBackend implements Backend {
  readonly name: string;
  readonly bucket: TokenBucket;

  constructor(
    private readonly inner: Backend,
    options: RateLimitedBackendOptions = {},
  ) {
    this.name = inner.name;
    this.bucket =
      options.bucket ??
      new TokenBucket(options.bytesPerSecond ?? 0, {
        ...(options.burstBytes === undefined ? {} : { burstBytes: options.burstBytes }),
        ...(options.clock === undefined ? {} : { clock: options.clock }),
      });
  }

  async get(key: string, range?: ByteRange): Promise<Buffer> {
    if (range) {
      await this.bucket.take(range.length);
      return this.inner.get(key, range);
    }
    // Size unknown until it arrives: charge afterwards, so the debt slows what follows.
    const body = await this.inner.get(key);
    await this.bucket.take(body.length);
    return body;
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    const stream = await this.inner.getStream(key, range);
    return Readable.from(this.paced(stream, undefined), { objectMode: false });
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions = {}): Promise<PutResult> {
    if (Buffer.isBuffer(body)) {
      await this.bucket.take(body.length, options.signal);
      return this.inner.put(key, body, options);
    }
    return this.inner.put(key, Readable.from(this.paced(body, options.signal), { objectMode: false }), options);
  }

  head(key: string): Promise<ObjectInfo | null> {
    return this.inner.head(key);
  }

  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectInfo> {
    return this.inner.list(prefix, options);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  /** Forwards the optional capability; a backend without it reports `supported: false`. */
  async abortIncompleteUploads(olderThan: Date, signal?: AbortSignal): Promise<IncompleteUploadsReport> {
    return (await this.inner.abortIncompleteUploads?.(olderThan, signal)) ?? { supported: false, aborted: 0, kept: 0 };
  }

  private async *paced(stream: Readable, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      await this.bucket.take(buffer.length, signal);
      yield buffer;
    }
  }
}
