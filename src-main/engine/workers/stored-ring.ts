/**
 * Shared memory that sealed chunks cross to the main thread in: the sealer thread writes each
 * chunk's stored bytes into a place this ring reserved, the main thread reads them there and
 * releases the place once the chunk is in a pack. Nothing is allocated per chunk on either
 * side, so the main thread has no per-chunk garbage to collect (collecting 1 GiB of
 * transferred chunk buffers cost more CPU than sealing them).
 *
 * The ingest worker owns the allocation (one writer, in order); the main thread only sets a
 * per-reservation "released" flag and wakes the owner. Releases may come out of order (files
 * finish at different times); space is reused once everything before it is released.
 */

/** Reservations that may be outstanding at once (flags in the control block; small files each take one). */
const maxReservations = 16384;
/** Int32 slots before the flags: [0] counts releases (what a waiting owner watches). */
const headerSlots = 2;
const dataStart = (headerSlots + maxReservations) * 4;

export interface RingPlace {
  /** Identifies the reservation when it is released. */
  seq: number;
  /** Byte offset of the place in `StoredRing.data`. */
  offset: number;
  length: number;
}

interface Reservation {
  seq: number;
  start: number;
  end: number;
}

/** The control block of each ring this thread has seen (one view, not one per release). */
const controls = new WeakMap<SharedArrayBuffer, Int32Array>();

function controlOf(shared: SharedArrayBuffer): Int32Array {
  let control = controls.get(shared);
  if (!control) {
    control = new Int32Array(shared, 0, headerSlots + maxReservations);
    controls.set(shared, control);
  }
  return control;
}

/** The main thread's side: the stored bytes of a chunk, and their release. */
export const storedRingView = {
  bytes(shared: SharedArrayBuffer, offset: number, length: number): Buffer {
    return Buffer.from(shared, dataStart + offset, length);
  },
  release(shared: SharedArrayBuffer, seq: number): void {
    const control = controlOf(shared);
    Atomics.store(control, headerSlots + (seq % maxReservations), 1);
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
  },
};

export class StoredRing {
  /** Where the data part starts in `shared` (the control block comes first). */
  static readonly dataStart = dataStart;
  readonly shared: SharedArrayBuffer;
  /** Where the sealer writes (offsets are relative to it). */
  readonly data: Uint8Array;
  readonly capacity: number;
  private readonly control: Int32Array;
  private readonly reservations: Reservation[] = [];
  private nextSeq = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.shared = new SharedArrayBuffer(dataStart + capacity);
    this.control = controlOf(this.shared);
    this.data = new Uint8Array(this.shared, dataStart, capacity);
  }

  /** Reservations not released yet. */
  get outstanding(): number {
    this.reclaim();
    return this.reservations.length;
  }

  /**
   * Contiguous places for `lengths`, in order, or null when they do not fit now (wait with
   * `released()` and try again). All or nothing. Throws when they could never fit.
   */
  reserve(lengths: number[]): RingPlace[] | null {
    const total = lengths.reduce((sum, length) => sum + length, 0);
    if (total > this.capacity) throw new RangeError(`${total} bytes never fit a stored ring of ${this.capacity} bytes`);
    this.reclaim();
    if (this.reservations.length + lengths.length > maxReservations) return null;
    const start = this.placeFor(total);
    if (start === null) return null;
    const places: RingPlace[] = [];
    let at = start;
    for (const length of lengths) {
      const seq = this.nextSeq++;
      this.reservations.push({ seq, start: at, end: at + length });
      places.push({ seq, offset: at, length });
      at += length;
    }
    return places;
  }

  /** Releases places on this side (reserved, but nothing was sent for them). */
  releaseHere(places: RingPlace[]): void {
    for (const place of places) storedRingView.release(this.shared, place.seq);
  }

  /** Resolves after the next release (at once if one happened since `reserve` failed). */
  released(): Promise<void> {
    const seen = Atomics.load(this.control, 0);
    if (this.reclaimable()) return Promise.resolve();
    const waiting = Atomics.waitAsync(this.control, 0, seen);
    return waiting.async ? waiting.value.then(() => undefined) : Promise.resolve();
  }

  private reclaimable(): boolean {
    const first = this.reservations[0];
    return first !== undefined && Atomics.load(this.control, headerSlots + (first.seq % maxReservations)) === 1;
  }

  private reclaim(): void {
    while (this.reclaimable()) {
      const first = this.reservations.shift()!;
      Atomics.store(this.control, headerSlots + (first.seq % maxReservations), 0);
    }
  }

  /** Start of a free contiguous run of `total` bytes, or null. */
  private placeFor(total: number): number | null {
    const first = this.reservations[0];
    const last = this.reservations[this.reservations.length - 1];
    if (!first || !last) return 0;
    if (last.start >= first.start) {
      // In use: [first.start, last.end). Free: the end, then the beginning.
      if (this.capacity - last.end >= total) return last.end;
      return first.start >= total ? 0 : null;
    }
    // Wrapped: in use [first.start, capacity) and [0, last.end). Free: between them.
    return first.start - last.end >= total ? last.end : null;
  }
}
