import type { EventOutbox } from './event-outbox';

interface Waiting {
  index: number;
  id: string;
  plain: Uint8Array;
  known: boolean | undefined;
}

/**
 * Chunks whose ids went to the main thread and which wait for the answer "already stored?".
 * Reading and chunking go on meanwhile (the answers arrive while the next block is read), so
 * the question never stalls the worker; answered chunks leave in order: known ones are
 * dropped, the others encoded and sent by `emit`.
 */
export class DedupeWindow {
  private readonly file: number;
  private readonly outbox: EventOutbox;
  private readonly emit: (index: number, id: string, plain: Uint8Array) => void;
  private readonly waiting: Waiting[] = [];
  private readonly byIndex = new Map<number, Waiting>();
  private unasked: { index: number; id: string }[] = [];
  private heldBytes = 0;
  /** Chunks the main thread already had. */
  knownCount = 0;

  constructor(file: number, outbox: EventOutbox, emit: (index: number, id: string, plain: Uint8Array) => void) {
    this.file = file;
    this.outbox = outbox;
    this.emit = emit;
  }

  /** Holds a copy of `plain` (the caller's buffer gets reused) until its answer arrives. */
  add(index: number, id: string, plain: Uint8Array): void {
    const entry: Waiting = { index, id, plain: new Uint8Array(plain), known: undefined };
    this.waiting.push(entry);
    this.byIndex.set(index, entry);
    this.unasked.push({ index, id });
    this.heldBytes += plain.length;
  }

  /** Sends the ids collected since the last call as one question. */
  ask(): void {
    if (this.unasked.length === 0) return;
    this.outbox.push({ type: 'ids', file: this.file, chunks: this.unasked });
    this.unasked = [];
    this.outbox.setHeld(this.heldBytes);
  }

  answer(answers: { index: number; known: boolean }[]): void {
    for (const { index, known } of answers) {
      const entry = this.byIndex.get(index);
      if (entry) entry.known = known;
    }
    let done = 0;
    for (const entry of this.waiting) {
      if (entry.known === undefined) break;
      this.byIndex.delete(entry.index);
      this.heldBytes -= entry.plain.length;
      if (entry.known) this.knownCount++;
      else this.emit(entry.index, entry.id, entry.plain);
      done++;
    }
    this.waiting.splice(0, done);
    this.outbox.setHeld(this.heldBytes);
  }

  get idle(): boolean {
    return this.waiting.length === 0 && this.unasked.length === 0;
  }

  /** Forgets everything (file failed or cancelled). */
  clear(): void {
    this.waiting.length = 0;
    this.byIndex.clear();
    this.unasked = [];
    this.heldBytes = 0;
    this.outbox.setHeld(0);
  }
}
