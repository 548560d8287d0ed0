import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  ObjectExistsError,
  ObjectNotFoundError,
  assertValidKey,
  type Backend,
  type ByteRange,
  type ListOptions,
  type ObjectInfo,
  type PutOptions,
  type PutResult,
} from '../../src-main/engine/backends/backend';
import { BodyLengthMismatchError, OperationCancelledError } from '../../src-main/engine/backends/backend-errors';
import { assertRangeWithin, assertValidRange } from '../../src-main/engine/backends/byte-range';
import { compareKeys } from '../../src-main/engine/backends/key-order';

interface StoredObject {
  body: Buffer;
  modified: Date;
}

type Verb = 'get' | 'put' | 'list' | 'delete';

/**
 * A Backend held in memory, for tests: the same contract as LocalBackend (it passes the backend
 * conformance suite), plus hooks to look at, tamper with and break the stored objects.
 */
export class MemoryBackend implements Backend {
  readonly name: string;
  private readonly objects = new Map<string, StoredObject>();
  private readonly faults: { verb: Verb; matches: (key: string) => boolean; error: () => Error }[] = [];
  /** Counts of calls per verb, for tests that check how many objects were written. */
  readonly calls: Record<Verb | 'head', number> = { get: 0, put: 0, list: 0, delete: 0, head: 0 };

  constructor(label = 'memory') {
    this.name = `memory:${label}`;
  }

  async get(key: string, range?: ByteRange): Promise<Buffer> {
    assertValidKey(key);
    if (range) assertValidRange(range);
    this.calls.get += 1;
    this.throwIfFaulted('get', key);
    const object = this.objects.get(key);
    if (!object) throw new ObjectNotFoundError(this.name, key);
    if (!range) return Buffer.from(object.body);
    assertRangeWithin(this.name, key, range, object.body.length);
    return Buffer.from(object.body.subarray(range.offset, range.offset + range.length));
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    const bytes = await this.get(key, range);
    return Readable.from(bytes.length === 0 ? [] : [bytes]);
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions = {}): Promise<PutResult> {
    try {
      assertValidKey(key);
    } catch (err) {
      if (!Buffer.isBuffer(body)) body.destroy();
      throw err;
    }
    if (options.signal?.aborted) {
      if (!Buffer.isBuffer(body)) body.destroy();
      throw new OperationCancelledError(`writing "${key}" to ${this.name}`);
    }
    this.calls.put += 1;
    this.throwIfFaulted('put', key);
    if (options.ifNoneMatch && this.objects.has(key)) {
      if (!Buffer.isBuffer(body)) body.destroy();
      throw new ObjectExistsError(this.name, key);
    }
    const bytes = Buffer.isBuffer(body) ? Buffer.from(body) : await readWhole(body, options.signal, key, this.name);
    if (options.contentLength !== undefined && options.contentLength !== bytes.length) {
      throw new BodyLengthMismatchError(key, options.contentLength, bytes.length);
    }
    // Re-check after the (possibly asynchronous) read: create-only must hold between writers.
    if (options.ifNoneMatch && this.objects.has(key)) throw new ObjectExistsError(this.name, key);
    this.objects.set(key, { body: bytes, modified: new Date() });
    return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    this.calls.head += 1;
    const object = this.objects.get(key);
    return object ? { key, size: object.body.length, modified: object.modified } : null;
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    this.calls.list += 1;
    this.throwIfFaulted('list', prefix);
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(prefix) && (options.startAfter === undefined || compareKeys(key, options.startAfter) > 0));
    keys.sort(compareKeys);
    for (const key of keys) {
      if (options.signal?.aborted) throw new OperationCancelledError(`listing "${prefix}" on ${this.name}`);
      const object = this.objects.get(key);
      if (object) yield { key, size: object.body.length, modified: object.modified };
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    this.calls.delete += 1;
    this.throwIfFaulted('delete', key);
    this.objects.delete(key);
  }

  async close(): Promise<void> {}

  // --- test hooks -------------------------------------------------------------------------------

  /** Keys currently stored, in listing order. */
  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort(compareKeys);
  }

  /** The stored bytes (a copy), or undefined. */
  peek(key: string): Buffer | undefined {
    const object = this.objects.get(key);
    return object ? Buffer.from(object.body) : undefined;
  }

  /** Replaces an object's bytes behind the backend's back (tampering, truncation, copying). */
  poke(key: string, bytes: Buffer): void {
    this.objects.set(key, { body: Buffer.from(bytes), modified: new Date() });
  }

  /** Makes every later call of `verb` on a matching key throw `error()` until `clearFaults`. */
  injectFault(verb: Verb, matches: (key: string) => boolean, error: () => Error): void {
    this.faults.push({ verb, matches, error });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  private throwIfFaulted(verb: Verb, key: string): void {
    const fault = this.faults.find((f) => f.verb === verb && f.matches(key));
    if (fault) throw fault.error();
  }
}

async function readWhole(stream: Readable, signal: AbortSignal | undefined, key: string, backendName: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) {
      if (signal?.aborted) throw new OperationCancelledError(`writing "${key}" to ${backendName}`);
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}
