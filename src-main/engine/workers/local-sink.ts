import type { ChunkEncoder } from './chunk-encoder';
import type { ChunkSink } from './chunk-sink';
import type { EventOutbox } from './event-outbox';

interface Waiting {
  index: number;
  id: string;
  /** A copy: the reader reuses its buffer long before the answer arrives. */
  plain: Uint8Array;
  known: boolean | undefined;
}

/** Chunks whose "stored already?" answer may be outstanding before chunking waits. */
const maxWaiting = 8;

/**
 * Encodes the chunks of one large file on this thread and posts them in order. With
 * `askKnown`, each id first goes to the main thread ("stored already?") and chunking goes on
 * meanwhile; answered chunks leave in order, known ones neither compressed, sealed nor sent.
 * Chunking waits only when `maxWaiting` answers are outstanding, so the round trip never
 * stalls it. Used when the caller can dedupe, and when no sealer thread is available.
 */
export class LocalSink implements ChunkSink {
  private readonly blocks: Uint8Array[];
  private readonly file: number;
  private readonly encoder: ChunkEncoder;
  private readonly outbox: EventOutbox;
  private readonly askKnown: boolean;
  private readonly waiting: Waiting[] = [];
  private wake: (() => void) | null = null;
  /** Ids in chunk order. */
  readonly ids: string[] = [];
  knownCount = 0;

  constructor(options: { blocks: Uint8Array[]; file: number; encoder: ChunkEncoder; outbox: EventOutbox; askKnown: boolean }) {
    this.blocks = options.blocks;
    this.file = options.file;
    this.encoder = options.encoder;
    this.outbox = options.outbox;
    this.askKnown = options.askKnown;
  }

  /** Takes the next chunk; its bytes are copied or done with when the promise resolves. */
  async add(block: number, offset: number, length: number): Promise<void> {
    const plain = this.blocks[block]!.subarray(offset, offset + length);
    const index = this.ids.length;
    const id = this.encoder.id(plain);
    this.ids.push(id);
    if (!this.askKnown) {
      this.post(index, id, plain, true);
      return;
    }
    this.waiting.push({ index, id, plain: new Uint8Array(plain), known: undefined });
    this.outbox.push({ type: 'ids', file: this.file, chunks: [{ index, id }] });
    this.outbox.flush();
    while (this.waiting.length >= maxWaiting) await this.nextAnswer();
  }

  /** The main thread's "stored already?" answers. */
  answer(answers: { index: number; known: boolean }[]): void {
    for (const { index, known } of answers) {
      const entry = this.waiting.find((candidate) => candidate.index === index);
      if (entry) entry.known = known;
    }
    let done = 0;
    for (const entry of this.waiting) {
      if (entry.known === undefined) break;
      if (entry.known) this.knownCount++;
      else this.post(entry.index, entry.id, entry.plain, false);
      done++;
    }
    this.waiting.splice(0, done);
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  endBlock(): void {}

  released(): Promise<void> {
    return Promise.resolve();
  }

  /** Resolves once every chunk is answered and posted. */
  async finish(): Promise<void> {
    while (this.waiting.length > 0) await this.nextAnswer();
  }

  /** Releases a waiting add() or finish() when the file is abandoned (cancelled, failed). */
  abandon(): Promise<void> {
    this.waiting.length = 0;
    const wake = this.wake;
    this.wake = null;
    wake?.();
    return Promise.resolve();
  }

  private nextAnswer(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private post(index: number, id: string, plain: Uint8Array, plainIsVolatile: boolean): void {
    const { stored, compressed } = this.encoder.encode(plain);
    this.outbox.pushChunk({ file: this.file, index, id, plainLength: plain.length, compressed }, stored, plainIsVolatile && stored === plain);
  }
}
