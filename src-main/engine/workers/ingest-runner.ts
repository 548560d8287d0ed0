import { Chunker } from '../chunking/fastcdc';
import { ChunkEncoder } from './chunk-encoder';
import type { ChunkSink } from './chunk-sink';
import { EventOutbox } from './event-outbox';
import { IngestCancelledError } from './ingest-errors';
import { ingestLargeFile } from './ingest-large-file';
import type { IngestReply, IngestTask, IngestWorkerConfig } from './ingest-protocol';
import { ingestSmallFile } from './ingest-small-file';
import { LocalSink } from './local-sink';
import { ReadBuffers } from './read-buffers';
import { Sealer, SealerSink } from './sealer-client';
import { sealOverhead } from '../crypto/aead';
import { StoredRing } from './stored-ring';
import { serializeError, type TaskContext } from './serve-tasks';

/** Bytes read per block: large reads are far cheaper than many small ones (DESIGN.md 9). */
const readBlockSize = 8 * 1024 * 1024;

/**
 * The worker side of ingestion: one chunker, encoder and set of buffers per worker thread,
 * reused by every task. Each file ends with a `done` or `failed` event; a task never fails
 * as a whole for one bad file.
 */
export class IngestRunner {
  private readonly config: IngestWorkerConfig;
  private readonly chunker: Chunker;
  private readonly encoder: ChunkEncoder;
  private readonly smallBuffer: Buffer;
  private largeBuffers: ReadBuffers | null = null;
  private storedRing: StoredRing | null = null;
  /** The helper thread for large files; null until the first one, or after it failed. */
  private sealer: Sealer | null = null;
  private sealerStarts = 0;

  constructor(config: IngestWorkerConfig) {
    this.config = config;
    this.chunker = new Chunker(config.chunker, config.chunkerSeed);
    this.encoder = new ChunkEncoder(config);
    this.smallBuffer = Buffer.allocUnsafe(this.chunker.minSize + 1);
  }

  async run(task: IngestTask, context: TaskContext): Promise<null> {
    const outbox = new EventOutbox(context, this.config.maxInFlightBytes);
    const cancelledFiles = new Set<number>();
    let sink: ChunkSink | null = null;
    context.onMessage((payload) => {
      const reply = payload as IngestReply;
      if (reply.type === 'ack') outbox.acknowledge(reply.bytes);
      else if (reply.type === 'known') sink?.answer(reply.answers);
      else cancelledFiles.add(reply.file);
    });
    const isCancelled = (file: number) => context.signal.aborted || cancelledFiles.has(file);
    const paths = task.type === 'file' ? [task.path] : task.paths;

    for (let file = 0; file < paths.length; file++) {
      const path = paths[file]!;
      try {
        if (isCancelled(file)) throw new IngestCancelledError(path);
        let summary = task.type === 'batch' ? this.small(path, file, outbox) : null;
        if (summary === null) {
          const buffers = (this.largeBuffers ??= new ReadBuffers(this.chunker.maxSize, readBlockSize));
          const askKnown = task.type === 'file' && task.askKnown;
          const ring = this.ring();
          const sealer = await this.liveSealer(buffers, ring);
          const overhead = this.config.blobKey === null ? 0 : sealOverhead;
          sink = sealer
            ? new SealerSink({ sealer, outbox, file, askKnown, ring, overhead })
            : new LocalSink({ blocks: buffers.blocks, file, encoder: this.encoder, outbox, askKnown });
          try {
            summary = await ingestLargeFile({ path, chunker: this.chunker, buffers, outbox, sink, isCancelled: () => isCancelled(file) });
          } finally {
            sink = null;
          }
        }
        outbox.push({ type: 'done', file, summary });
      } catch (err) {
        outbox.push({ type: 'failed', file, error: serializeError(err) });
      }
      await outbox.room();
    }
    outbox.flush();
    return null;
  }

  /**
   * The sealer thread, started on first use and again after it died. If it cannot start (twice
   * in a row) large files are encoded on this thread instead: slower, never wrong.
   */
  private async liveSealer(buffers: ReadBuffers, ring: StoredRing): Promise<Sealer | null> {
    if (!this.config.sealerThreads) return null;
    if (this.sealer?.alive) return this.sealer;
    if (this.sealerStarts >= 2) return null;
    this.sealerStarts++;
    try {
      this.sealer = await Sealer.start(this.config, buffers, ring);
      this.sealerStarts = 0;
    } catch {
      this.sealer = null;
    }
    return this.sealer;
  }

  private small(path: string, file: number, outbox: EventOutbox) {
    return ingestSmallFile({ path, file, maxSize: this.chunker.minSize, buffer: this.smallBuffer, encoder: this.encoder, outbox, ring: this.ring() });
  }

  /** Room for the stored chunks of about three read blocks (a block's chunks always fit). */
  private ring(): StoredRing {
    return (this.storedRing ??= new StoredRing(Math.ceil(1.5 * ReadBuffers.blockBytes(this.chunker.maxSize, readBlockSize))));
  }
}
