/**
 * A Backend wrapper for tests that behaves like an eventually consistent object store (older
 * S3, some S3-compatible servers, caches in front of buckets):
 *
 * - a new key is missing from listings for a while;
 * - reading a new key may answer "not found" for a while;
 * - a deleted key may still be listed for a while (reading it answers "not found").
 *
 * "A while" is counted in operations on this wrapper, not in time, and chosen by a seeded
 * generator, so every run of a test sees the same anomalies. `settle()` ends them all (as a long
 * enough wait would).
 */
import type { Readable } from 'node:stream';
import { ObjectNotFoundError, type Backend, type ByteRange, type ListOptions, type ObjectInfo, type PutOptions, type PutResult } from '../../src-main/engine/backends/backend';
import { compareKeys } from '../../src-main/engine/backends/key-order';

export interface EventualConsistencyOptions {
  seed: number;
  /** A new key stays out of listings for up to this many operations. Default 8. */
  maxListLag?: number;
  /** Reads of a new key may fail for up to this many operations. Default 4. */
  maxReadLag?: number;
  /** A deleted key may stay in listings for up to this many operations. Default 8. */
  maxDeleteLag?: number;
}

export class EventuallyConsistentBackend implements Backend {
  readonly name: string;
  private clock = 0;
  private readonly random: () => number;
  private readonly listableAt = new Map<string, number>();
  private readonly readableAt = new Map<string, number>();
  /** Deleted keys still listed, with what the listing shows and until when. */
  private readonly ghosts = new Map<string, { info: ObjectInfo; until: number }>();
  /** How many anomalies callers saw (tests assert the wrapper really interfered). */
  readonly anomalies = { hiddenFromList: 0, notYetReadable: 0, ghostsListed: 0 };

  constructor(
    private readonly inner: Backend,
    private readonly options: EventualConsistencyOptions,
  ) {
    this.name = `eventual:${inner.name}`;
    this.random = mulberry32(options.seed);
  }

  /** Everything written is listed and readable, everything deleted is gone from listings. */
  settle(): void {
    this.listableAt.clear();
    this.readableAt.clear();
    this.ghosts.clear();
  }

  async get(key: string, range?: ByteRange): Promise<Buffer> {
    this.assertReadable(key);
    return this.inner.get(key, range);
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    this.assertReadable(key);
    return this.inner.getStream(key, range);
  }

  async put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<PutResult> {
    const result = await this.inner.put(key, body, options);
    const now = this.tick();
    this.ghosts.delete(key);
    this.listableAt.set(key, now + this.lag(this.options.maxListLag ?? 8));
    this.readableAt.set(key, now + this.lag(this.options.maxReadLag ?? 4));
    return result;
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const now = this.tick();
    if ((this.readableAt.get(key) ?? 0) > now) {
      this.anomalies.notYetReadable++;
      return null;
    }
    return this.inner.head(key);
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    const now = this.tick();
    const ghosts = [...this.ghosts.values()]
      .filter((ghost) => ghost.until > now && ghost.info.key.startsWith(prefix) && (options.startAfter === undefined || compareKeys(ghost.info.key, options.startAfter) > 0))
      .map((ghost) => ghost.info)
      .sort((a, b) => compareKeys(a.key, b.key));
    for await (const object of this.inner.list(prefix, options)) {
      while (ghosts.length > 0 && compareKeys(ghosts[0]!.key, object.key) < 0) {
        this.anomalies.ghostsListed++;
        yield ghosts.shift()!;
      }
      if ((this.listableAt.get(object.key) ?? 0) > now) {
        this.anomalies.hiddenFromList++;
        continue;
      }
      yield object;
    }
    for (const ghost of ghosts) {
      this.anomalies.ghostsListed++;
      yield ghost;
    }
  }

  async delete(key: string): Promise<void> {
    const info = await this.inner.head(key);
    await this.inner.delete(key);
    const now = this.tick();
    const wasListable = (this.listableAt.get(key) ?? 0) <= now;
    this.listableAt.delete(key);
    this.readableAt.delete(key);
    if (info && wasListable) this.ghosts.set(key, { info, until: now + this.lag(this.options.maxDeleteLag ?? 8) });
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  private assertReadable(key: string): void {
    const now = this.tick();
    if ((this.readableAt.get(key) ?? 0) > now) {
      this.anomalies.notYetReadable++;
      throw new ObjectNotFoundError(this.name, key);
    }
  }

  private tick(): number {
    return ++this.clock;
  }

  private lag(max: number): number {
    return Math.floor(this.random() * (max + 1));
  }
}

/** A small seeded generator (mulberry32): the same seed, the same anomalies. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
