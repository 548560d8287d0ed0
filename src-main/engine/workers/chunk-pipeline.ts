import type { ChunkEncoder, EncodedChunk } from './chunk-encoder';
import type { EventOutbox } from './event-outbox';

interface Job {
  index: number;
  length: number;
  /** Resolves with the id, and the stored form unless the main thread had the chunk. */
  done: Promise<{ id: string; encoded: EncodedChunk | null }>;
}

/** Chunks of one file being hashed and sealed on the thread pool at the same time. */
const maxJobs = 4;

/**
 * The chunks of one large file, hashed and sealed on the thread pool while the worker chunks
 * the next ones, and posted strictly in order. With `askKnown`, each id first goes to the main
 * thread ("stored already?"); known chunks are neither compressed, sealed nor sent. Waiting for
 * answers never blocks chunking: only the oldest unfinished chunk is ever waited for.
 */
export class ChunkPipeline {
  private readonly file: number;
  private readonly encoder: ChunkEncoder;
  private readonly outbox: EventOutbox;
  private readonly askKnown: boolean;
  private readonly jobs: Job[] = [];
  private readonly answers = new Map<number, (known: boolean) => void>();
  /** Ids in chunk order, as posted. */
  readonly ids: string[] = [];
  knownCount = 0;

  constructor(options: { file: number; encoder: ChunkEncoder; outbox: EventOutbox; askKnown: boolean }) {
    this.file = options.file;
    this.encoder = options.encoder;
    this.outbox = options.outbox;
    this.askKnown = options.askKnown;
  }

  /** Starts a chunk; `plain` may be reused once this returns. Waits while too many are running. */
  async add(index: number, plain: Uint8Array): Promise<void> {
    while (this.jobs.length >= maxJobs) await this.settleOldest();
    const done = this.askKnown ? this.askThenEncode(index, new Uint8Array(plain)) : this.encodeNow(plain);
    // Marked handled: failures surface, in order, through settleOldest().
    done.catch(() => {});
    this.jobs.push({ index, length: plain.length, done });
  }

  /** The main thread's "stored already?" answers. */
  answer(answers: { index: number; known: boolean }[]): void {
    for (const { index, known } of answers) {
      this.answers.get(index)?.(known);
      this.answers.delete(index);
    }
  }

  /** Waits for every started chunk and posts them. */
  async finish(): Promise<void> {
    while (this.jobs.length > 0) await this.settleOldest();
  }

  /** Unblocks waiting chunks when the file is abandoned (cancelled, failed). */
  abandon(): void {
    for (const resolve of this.answers.values()) resolve(true);
    this.answers.clear();
  }

  private encodeNow(plain: Uint8Array): Job['done'] {
    const id = this.encoder.idLater(plain);
    const encoded = this.encoder.encodeLater(plain);
    return Promise.all([id, encoded]).then(([chunkId, chunk]) => ({ id: chunkId, encoded: chunk }));
  }

  private async askThenEncode(index: number, copy: Uint8Array): Job['done'] {
    const id = await this.encoder.idLater(copy);
    const known = new Promise<boolean>((resolve) => this.answers.set(index, resolve));
    this.outbox.push({ type: 'ids', file: this.file, chunks: [{ index, id }] });
    this.outbox.flush();
    if (await known) return { id, encoded: null };
    return { id, encoded: await this.encoder.encodeLater(copy) };
  }

  private async settleOldest(): Promise<void> {
    const job = this.jobs[0]!;
    const { id, encoded } = await job.done;
    this.jobs.shift();
    this.ids.push(id);
    if (encoded === null) {
      this.knownCount++;
      return;
    }
    this.outbox.pushChunk({ file: this.file, index: job.index, id, plainLength: job.length, compressed: encoded.compressed }, encoded.stored, false);
  }
}
