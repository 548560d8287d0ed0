import type { Transferable } from 'node:worker_threads';
import type { TaskContext } from './serve-tasks';
import { eventCost, type IngestEvent, type IngestEventBatch } from './ingest-protocol';

/** Events wait to be grouped until they hold this much data or this many entries. */
const flushBytes = 1024 * 1024;
const flushEvents = 64;

/**
 * Sends ingest events to the main thread in groups, transferring chunk buffers, and keeps the
 * worker from running ahead: `room()` waits while more than `maxInFlight` bytes are posted but
 * not yet acknowledged (plus whatever `held` bytes the caller reports, e.g. chunks awaiting a
 * dedupe answer).
 */
export class EventOutbox {
  private readonly context: TaskContext;
  private readonly maxInFlight: number;
  private events: IngestEvent[] = [];
  private transfer: Transferable[] = [];
  private pendingBytes = 0;
  private inFlight = 0;
  private held = 0;
  private wake: (() => void) | null = null;

  constructor(context: TaskContext, maxInFlight: number) {
    this.context = context;
    this.maxInFlight = maxInFlight;
    context.signal.addEventListener('abort', () => this.notify(), { once: true });
  }

  push(event: IngestEvent): void {
    this.events.push(event);
    const stored = event.type === 'chunk' ? event.stored.byteLength : 0;
    if (event.type === 'chunk') this.transfer.push(event.stored);
    this.pendingBytes += eventCost(stored);
    if (this.pendingBytes >= flushBytes || this.events.length >= flushEvents) this.flush();
  }

  flush(): void {
    if (this.events.length === 0) return;
    const batch: IngestEventBatch = { events: this.events };
    this.context.post(batch, this.transfer);
    this.inFlight += this.pendingBytes;
    this.events = [];
    this.transfer = [];
    this.pendingBytes = 0;
  }

  /** The main thread finished with `bytes` (as counted by eventCost). */
  acknowledge(bytes: number): void {
    this.inFlight -= bytes;
    this.notify();
  }

  /** Bytes the caller keeps outside the outbox that should count against the limit. */
  setHeld(bytes: number): void {
    this.held = bytes;
    this.notify();
  }

  /** Call after anything that may let the caller continue (acks, dedupe answers). */
  notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Resolves when there is room for more (or the task is cancelled); flushes first. */
  room(): Promise<void> {
    return this.until(() => this.inFlight + this.held <= this.maxInFlight);
  }

  /** Resolves once `done()` is true or the task is cancelled, re-checking on every notify(). */
  async until(done: () => boolean): Promise<void> {
    this.flush();
    while (!done() && !this.context.signal.aborted) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
