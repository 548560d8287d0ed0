import type { TaskContext } from './serve-tasks';
import { eventCost, type IngestEvent, type IngestEventBatch } from './ingest-protocol';

/** A chunk event before its bytes have a place in the group's slab. */
type ChunkFields = Omit<Extract<IngestEvent, { type: 'chunk' }>, 'type' | 'storedOffset' | 'storedLength'>;

/**
 * True when the bytes are exactly one whole, unshared ArrayBuffer (so it can be transferred).
 * Small Buffers share Node's pool slab, and views into a read buffer must never leave.
 */
export function ownsBuffer(bytes: Uint8Array): boolean {
  const { buffer } = bytes;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength;
}

/** Events wait to be grouped until they hold this much data or this many entries. */
const flushBytes = 1024 * 1024;
const flushEvents = 64;
/** Chunks at least this large are sent in a message of their own. */
const aloneBytes = 256 * 1024;

/**
 * Sends ingest events to the main thread in groups, transferring chunk buffers, and keeps the
 * worker from running ahead: `room()` waits while more than `maxInFlight` bytes are posted but
 * not yet acknowledged.
 */
export class EventOutbox {
  private readonly context: TaskContext;
  private readonly maxInFlight: number;
  private events: IngestEvent[] = [];
  /** Stored bytes of the chunk events in `events`, in order. */
  private stored: Uint8Array[] = [];
  private storedBytes = 0;
  private ring: SharedArrayBuffer | null = null;
  private pendingBytes = 0;
  private inFlight = 0;
  private wake: (() => void) | null = null;

  constructor(context: TaskContext, maxInFlight: number) {
    this.context = context;
    this.maxInFlight = maxInFlight;
    context.signal.addEventListener('abort', () => this.notify(), { once: true });
  }

  /** Queues a non-chunk event. */
  push(event: Exclude<IngestEvent, { type: 'chunk' }>): void {
    this.events.push(event);
    this.added(0);
  }

  /**
   * Queues a chunk. `volatile` bytes (a view into a buffer the caller reuses) are copied now;
   * others are kept by reference until the group is sent.
   */
  pushChunk(fields: ChunkFields, stored: Uint8Array, volatile: boolean): void {
    // A large chunk that owns its buffer travels alone: transferred, never copied into a slab.
    const alone = !volatile && stored.byteLength >= aloneBytes && ownsBuffer(stored);
    if (alone) this.flush();
    this.events.push({ type: 'chunk', ...fields, storedOffset: this.storedBytes, storedLength: stored.byteLength });
    this.stored.push(volatile ? new Uint8Array(stored) : stored);
    this.storedBytes += stored.byteLength;
    this.added(stored.byteLength);
    if (alone) this.flush();
  }

  /**
   * Queues a chunk whose stored bytes wait in shared memory (the stored ring): only the place
   * travels; the main thread releases it by `seq`.
   */
  pushRingChunk(fields: ChunkFields, ring: SharedArrayBuffer, seq: number, offset: number, storedLength: number): void {
    this.ring = ring;
    this.events.push({ type: 'chunk', ...fields, storedOffset: offset, storedLength, ringSeq: seq });
    this.added(storedLength);
  }

  private added(storedBytes: number): void {
    this.pendingBytes += eventCost(storedBytes);
    if (this.pendingBytes >= flushBytes || this.events.length >= flushEvents) this.flush();
  }

  flush(): void {
    if (this.events.length === 0) return;
    const slab = this.makeSlab();
    const batch: IngestEventBatch = { events: this.events, slab, ring: this.ring };
    this.context.post(batch, slab ? [slab] : []);
    this.inFlight += this.pendingBytes;
    this.events = [];
    this.ring = null;
    this.stored = [];
    this.storedBytes = 0;
    this.pendingBytes = 0;
  }

  /** One buffer for the group's stored bytes; a lone large chunk is sent without a copy. */
  private makeSlab(): ArrayBuffer | null {
    const only = this.stored.length === 1 ? this.stored[0]! : null;
    if (only && ownsBuffer(only)) return only.buffer as ArrayBuffer;
    if (this.stored.length === 0) return null;
    const slab = new Uint8Array(this.storedBytes);
    let at = 0;
    for (const part of this.stored) {
      slab.set(part, at);
      at += part.byteLength;
    }
    return slab.buffer;
  }

  /** The main thread finished with `bytes` (as counted by eventCost). */
  acknowledge(bytes: number): void {
    this.inFlight -= bytes;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Resolves when there is room for more (or the task is cancelled); flushes first. */
  async room(): Promise<void> {
    this.flush();
    while (this.inFlight > this.maxInFlight && !this.context.signal.aborted) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
