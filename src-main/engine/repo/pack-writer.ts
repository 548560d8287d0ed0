import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import type { Backend } from '../backends/backend';
import { crashPoint } from '../crash/crash-points';
import { packKey, type BlobType, type Cipher, type PackedBlob } from './blob';
import { GarbageRelief } from '../workers/garbage-relief';
import { encodeTrailer } from './pack-format';

/** A pack that is durable on the backend, with what it holds. */
export interface WrittenPack {
  packId: string;
  size: number;
  blobs: PackedBlob[];
}

export interface PackWriterOptions {
  backend: Backend;
  cipher: Cipher | null;
  targetSize: number;
  /** Packs being uploaded at once (default 1): more means more memory, not much more speed locally. */
  maxInFlight?: number;
  /** Called once a pack is durable (before its blobs may be referenced). */
  onPackWritten: (pack: WrittenPack) => void;
}

/**
 * Appends stored blobs into packs of about `targetSize` and writes each finished pack with a
 * create-only put. Uploads overlap with appending, bounded by `maxInFlight` (the `add` promise
 * waits when the limit is reached: that is the back-pressure on ingest).
 */
export class PackWriter {
  private parts: Buffer[] = [];
  private blobs: PackedBlob[] = [];
  private size = 0;
  private hash = crypto.createHash('sha256');
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown = null;
  /** Ids appended but not yet durable, so a blob is never packed twice. */
  private readonly pending = new Set<string>();
  /** Written packs leave their chunk buffers behind: collect them promptly (peak memory). */
  private readonly relief = new GarbageRelief();

  constructor(private readonly options: PackWriterOptions) {}

  has(id: string): boolean {
    return this.pending.has(id);
  }

  /** Bytes appended to packs that are not written yet. */
  get bufferedBytes(): number {
    return this.size;
  }

  async add(id: string, type: BlobType, stored: Buffer, plainLength: number, compressed: boolean): Promise<void> {
    this.throwIfFailed();
    if (this.pending.has(id)) return;
    this.pending.add(id);
    this.blobs.push({ id, type, offset: this.size, storedLength: stored.length, plainLength, compressed });
    this.parts.push(stored);
    this.hash.update(stored);
    this.size += stored.length;
    if (this.size >= this.options.targetSize) await this.finishPack();
  }

  /** Writes the partly filled pack and waits until every pack is durable. */
  async flush(): Promise<void> {
    if (this.blobs.length > 0) await this.finishPack();
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  private async finishPack(): Promise<void> {
    const trailer = encodeTrailer(this.blobs, this.options.cipher);
    this.hash.update(trailer);
    const packId = this.hash.digest('hex');
    // The parts go out as a stream rather than one concatenated copy: a pack is 16 MiB, and a
    // copy per pack (freed only at the next GC) is what pushed peak memory over its target.
    const parts = [...this.parts, trailer];
    const size = this.size + trailer.length;
    const blobs = this.blobs;
    this.parts = [];
    this.blobs = [];
    this.size = 0;
    this.hash = crypto.createHash('sha256');

    crashPoint('pack-writer.before-pack-put');
    const upload = this.options.backend
      .put(packKey(packId), Readable.from(parts, { objectMode: false }), { ifNoneMatch: true, contentLength: size })
      .catch((err: unknown) => {
        // A pack with this id already exists: same bytes by construction, so it is durable.
        if ((err as { code?: string }).code !== 'ALREADY_EXISTS') throw err;
      })
      .then(() => {
        crashPoint('pack-writer.after-pack-put');
        this.options.onPackWritten({ packId, size, blobs });
        for (const blob of blobs) this.pending.delete(blob.id);
        this.relief.note(size);
      })
      .catch((err: unknown) => {
        this.failure ??= err;
      });
    const tracked = upload.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    while (this.inFlight.size >= (this.options.maxInFlight ?? 1)) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}
