import { Readable } from 'node:stream';
import type { Backend, ByteRange, ListOptions, ObjectInfo, PutOptions, PutResult } from '../../../src-main/engine/backends/backend';

type Verb = 'get' | 'getStream' | 'put' | 'head' | 'list' | 'delete';

interface Failure {
  error: unknown;
  /** put: do the write, then fail (a lost response). */
  afterWrite?: boolean;
  /** getStream: deliver this many bytes, then fail. list: yield this many keys, then fail. */
  after?: number;
}

export interface Call {
  verb: Verb;
  key: string;
  range?: ByteRange;
  startAfter?: string;
}

/**
 * A deterministic stand-in for a flaky network: a real backend underneath, with failures
 * scheduled per verb that the next calls of that verb meet in order. Records every call.
 */
export class FlakyBackend implements Backend {
  readonly name: string;
  readonly calls: Call[] = [];
  private readonly scheduled = new Map<Verb, Failure[]>();

  constructor(readonly inner: Backend) {
    this.name = `flaky(${inner.name})`;
  }

  /** The next `times` calls of `verb` fail with `error` (as described by `failure`). */
  failNext(verb: Verb, error: unknown, options: { times?: number; afterWrite?: boolean; after?: number } = {}): this {
    const queue = this.scheduled.get(verb) ?? [];
    for (let i = 0; i < (options.times ?? 1); i++) queue.push({ error, afterWrite: options.afterWrite, after: options.after });
    this.scheduled.set(verb, queue);
    return this;
  }

  callsOf(verb: Verb): Call[] {
    return this.calls.filter((call) => call.verb === verb);
  }

  async get(key: string, range?: ByteRange): Promise<Buffer> {
    this.calls.push({ verb: 'get', key, ...(range ? { range } : {}) });
    this.throwIfScheduled('get');
    return this.inner.get(key, range);
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    this.calls.push({ verb: 'getStream', key, ...(range ? { range } : {}) });
    const failure = this.next('getStream');
    if (failure && failure.after === undefined) throw failure.error;
    const stream = await this.inner.getStream(key, range);
    if (!failure) return stream;
    const cutAfter = failure.after ?? 0;
    async function* cut(): AsyncGenerator<Buffer> {
      let sent = 0;
      for await (const chunk of stream) {
        const buffer = chunk as Buffer;
        const room = cutAfter - sent;
        if (buffer.length >= room) {
          if (room > 0) yield buffer.subarray(0, room);
          stream.destroy();
          throw failure!.error;
        }
        sent += buffer.length;
        yield buffer;
      }
    }
    return Readable.from(cut(), { objectMode: false });
  }

  async put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<PutResult> {
    this.calls.push({ verb: 'put', key });
    const failure = this.next('put');
    if (failure && !failure.afterWrite) throw failure.error;
    const result = await this.inner.put(key, body, options);
    if (failure) throw failure.error;
    return result;
  }

  async head(key: string): Promise<ObjectInfo | null> {
    this.calls.push({ verb: 'head', key });
    this.throwIfScheduled('head');
    return this.inner.head(key);
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    this.calls.push({ verb: 'list', key: prefix, ...(options.startAfter === undefined ? {} : { startAfter: options.startAfter }) });
    const failure = this.next('list');
    if (failure && failure.after === undefined) throw failure.error;
    let yielded = 0;
    for await (const info of this.inner.list(prefix, options)) {
      if (failure && yielded === failure.after) throw failure.error;
      yielded += 1;
      yield info;
    }
  }

  async delete(key: string): Promise<void> {
    this.calls.push({ verb: 'delete', key });
    this.throwIfScheduled('delete');
    return this.inner.delete(key);
  }

  private next(verb: Verb): Failure | undefined {
    return this.scheduled.get(verb)?.shift();
  }

  private throwIfScheduled(verb: Verb): void {
    const failure = this.next(verb);
    if (failure) throw failure.error;
  }
}
