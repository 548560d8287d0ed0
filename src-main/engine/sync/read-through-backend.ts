import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { ObjectExistsError, ObjectNotFoundError, type Backend, type ByteRange, type ListOptions, type ObjectInfo, type PutOptions, type PutResult } from '../backends/backend';
import { packIdFromKey } from '../repo/blob';
import { FetchedPackCorruptError } from './errors';

/**
 * The local repository, with bytes following metadata lazily (DESIGN.md 1, sync): a pack the
 * local folder lacks (its version was made on another device) is fetched whole from the sync
 * bucket on first read, checked against its name (packs are named by their SHA-256) and stored
 * locally, so restores and opens just work and the next read is local. Everything else (writes,
 * listings, deletes, other objects) is the local backend's alone: a listing shows what this
 * device holds, never the bucket.
 *
 * Without an attached bucket it is the local backend unchanged.
 */
export class ReadThroughBackend implements Backend {
  readonly name: string;
  private remote: Backend | null = null;
  /** Asked for the bucket when none is attached (a process that restores without syncing). */
  private lookup: (() => Promise<Backend | null>) | null = null;
  private readonly inflight = new Map<string, Promise<void>>();
  private fetchedPacks = 0;
  private fetchedBytes = 0;

  constructor(readonly local: Backend) {
    this.name = local.name;
  }

  /** Where missing packs come from; null stops fetching. */
  attach(remote: Backend | null): void {
    this.remote = remote;
  }

  /**
   * Where to find the bucket when nothing is attached: a short-lived process (a CLI restore)
   * reads through without ever running a sync round.
   */
  fallBackTo(lookup: (() => Promise<Backend | null>) | null): void {
    this.lookup = lookup;
  }

  get attached(): boolean {
    return this.remote !== null;
  }

  /** Packs and bytes fetched since this process started. */
  get fetched(): { packs: number; bytes: number } {
    return { packs: this.fetchedPacks, bytes: this.fetchedBytes };
  }

  async get(key: string, range?: ByteRange): Promise<Buffer> {
    try {
      return await this.local.get(key, range);
    } catch (err) {
      if (!this.fetchable(key, err)) throw err;
      await this.fetch(key);
      return this.local.get(key, range);
    }
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    try {
      return await this.local.getStream(key, range);
    } catch (err) {
      if (!this.fetchable(key, err)) throw err;
      await this.fetch(key);
      return this.local.getStream(key, range);
    }
  }

  /** Makes sure a pack is held locally; true when it had to be fetched. */
  async ensureLocal(key: string): Promise<boolean> {
    if (await this.local.head(key)) return false;
    await this.fetch(key);
    return true;
  }

  put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<PutResult> {
    return this.local.put(key, body, options);
  }

  head(key: string): Promise<ObjectInfo | null> {
    return this.local.head(key);
  }

  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectInfo> {
    return this.local.list(prefix, options);
  }

  delete(key: string): Promise<void> {
    return this.local.delete(key);
  }

  async close(): Promise<void> {
    await this.local.close?.();
  }

  private fetchable(key: string, err: unknown): boolean {
    return (this.remote !== null || this.lookup !== null) && err instanceof ObjectNotFoundError && packIdFromKey(key) !== null;
  }

  /** One download per pack, however many readers want it at once. */
  private fetch(key: string): Promise<void> {
    let running = this.inflight.get(key);
    if (!running) {
      running = this.download(key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, running);
    }
    return running;
  }

  private async download(key: string): Promise<void> {
    const remote = this.remote ?? (await this.lookup?.()) ?? null;
    if (!remote) throw new ObjectNotFoundError(this.local.name, key);
    const bytes = await remote.get(key);
    if (crypto.createHash('sha256').update(bytes).digest('hex') !== packIdFromKey(key)) throw new FetchedPackCorruptError(key, remote.name);
    try {
      await this.local.put(key, bytes, { ifNoneMatch: true });
    } catch (err) {
      if (!(err instanceof ObjectExistsError)) throw err; // stored meanwhile: same name, same bytes
    }
    this.fetchedPacks += 1;
    this.fetchedBytes += bytes.length;
  }
}
