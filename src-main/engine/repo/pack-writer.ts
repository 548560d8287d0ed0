import crypto from 'node:crypto';
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

/** Room beyond the target size: the largest chunk (8 MiB) and a trailer fit after it. */
const slackBytes = 9 * 1024 * 1024;

/**
 * Appends stored blobs into packs of about `targetSize` and writes each finished pack with a
 * create-only put. Uploads overlap with appending, bounded by `maxInFlight` (the `add` promise
 * waits when the limit is reached: that is the back-pressure on ingest).
 *
 * Blobs are copied into pack-sized buffers that are reused from pack to pack: the caller's
 * bytes may be borrowed shared memory, and one long-lived buffer per pack costs nothing to
 * collect, where keeping every chunk's own buffer made garbage collection the main thread's
 * largest cost. The buffers are let go once the writer is flushed and idle.
 */
export class PackWriter {
  private buffer: Buffer | null = null;
  private blobs: PackedBlob[] = [];
  private size = 0;
  private readonly spare: Buffer[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown = null;
  /** Ids appended but not yet durable, so a blob is never packed twice. */
  private readonly pending = new Set<string>();
  /** Owned blob buffers (not borrowed shared memory) are garbage once copied. */
  private readonly relief = new GarbageRelief();

  constructor(private readonly options: PackWriterOptions) {}

  has(id: string): boolean {
    return this.pending.has(id);
  }

  /** Bytes appended to packs that are not written yet. */
  get bufferedBytes(): number {
    return this.size;
  }

  /** Copies `stored` before it returns (the caller may reuse those bytes right away). */
  async add(id: string, type: BlobType, stored: Uint8Array, plainLength: number, compressed: boolean): Promise<void> {
    this.throwIfFailed();
    if (this.pending.has(id)) return;
    this.pending.add(id);
    if (this.size > 0 && this.size + stored.length > this.capacity) {
      try {
        await this.finishPack();
      } catch (err) {
        this.pending.delete(id);
        throw err;
      }
    }
    const buffer = this.fillBuffer(stored.length);
    this.blobs.push({ id, type, offset: this.size, storedLength: stored.length, plainLength, compressed });
    buffer.set(stored, this.size);
    this.size += stored.length;
    if (!(stored.buffer instanceof SharedArrayBuffer)) this.relief.note(stored.length);
    if (this.size >= this.options.targetSize) await this.finishPack();
  }

  /** Writes the partly filled pack and waits until every pack is durable. */
  async flush(): Promise<void> {
    if (this.blobs.length > 0) await this.finishPack();
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    this.throwIfFailed();
    // Idle from here: a long-running engine should not hold pack buffers between ingests.
    this.spare.length = 0;
  }

  private get capacity(): number {
    return this.options.targetSize + slackBytes;
  }

  /** The buffer of the pack being filled, with room for `more` bytes after what it holds. */
  private fillBuffer(more: number): Buffer {
    const needed = this.size + more;
    if (this.buffer && this.buffer.length >= needed) return this.buffer;
    // A fresh pack, or (rarely) one whose last blob or trailer outgrew the usual size.
    const buffer = needed <= this.capacity ? (this.spare.pop() ?? Buffer.allocUnsafeSlow(this.capacity)) : Buffer.allocUnsafeSlow(needed);
    if (this.buffer && this.size > 0) buffer.set(this.buffer.subarray(0, this.size));
    this.buffer = buffer;
    return buffer;
  }

  private async finishPack(): Promise<void> {
    const trailer = encodeTrailer(this.blobs, this.options.cipher);
    const buffer = this.fillBuffer(trailer.length);
    buffer.set(trailer, this.size);
    const size = this.size + trailer.length;
    const body = buffer.subarray(0, size);
    const packId = crypto.createHash('sha256').update(body).digest('hex');
    const blobs = this.blobs;
    this.buffer = null;
    this.blobs = [];
    this.size = 0;

    crashPoint('pack-writer.before-pack-put');
    const upload = this.options.backend
      .put(packKey(packId), body, { ifNoneMatch: true, contentLength: size })
      .catch((err: unknown) => {
        // A pack with this id already exists: same bytes by construction, so it is durable.
        if ((err as { code?: string }).code !== 'ALREADY_EXISTS') throw err;
      })
      .then(() => {
        crashPoint('pack-writer.after-pack-put');
        this.options.onPackWritten({ packId, size, blobs });
        for (const blob of blobs) this.pending.delete(blob.id);
      })
      .catch((err: unknown) => {
        this.failure ??= err;
      });
    const tracked = upload.finally(() => {
      this.inFlight.delete(tracked);
      if (buffer.length === this.capacity) this.spare.push(buffer);
    });
    this.inFlight.add(tracked);
    while (this.inFlight.size >= (this.options.maxInFlight ?? 1)) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}
