import { Chunker } from '../chunking/fastcdc';
import { ChunkEncoder } from './chunk-encoder';
import { EventOutbox } from './event-outbox';
import { IngestCancelledError } from './ingest-errors';
import { ReadBuffers, ingestLargeFile } from './ingest-large-file';
import type { IngestReply, IngestTask, IngestWorkerConfig } from './ingest-protocol';
import { ingestSmallFile } from './ingest-small-file';
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

  constructor(config: IngestWorkerConfig) {
    this.config = config;
    this.chunker = new Chunker(config.chunker, config.chunkerSeed);
    this.encoder = new ChunkEncoder(config);
    this.smallBuffer = Buffer.allocUnsafe(this.chunker.minSize + 1);
  }

  async run(task: IngestTask, context: TaskContext): Promise<null> {
    const outbox = new EventOutbox(context, this.config.maxInFlightBytes);
    const cancelledFiles = new Set<number>();
    let onAnswers: ((answers: { index: number; known: boolean }[]) => void) | null = null;
    context.onMessage((payload) => {
      const reply = payload as IngestReply;
      if (reply.type === 'ack') outbox.acknowledge(reply.bytes);
      else if (reply.type === 'known') onAnswers?.(reply.answers);
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
          summary = await ingestLargeFile({
            path,
            file,
            chunker: this.chunker,
            encoder: this.encoder,
            buffers: (this.largeBuffers ??= new ReadBuffers(this.chunker.maxSize, readBlockSize)),
            outbox,
            askKnown: task.type === 'file' && task.askKnown,
            onAnswers: (handler) => {
              onAnswers = handler;
            },
            isCancelled: () => isCancelled(file),
          });
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

  private small(path: string, file: number, outbox: EventOutbox) {
    return ingestSmallFile({ path, file, maxSize: this.chunker.minSize, buffer: this.smallBuffer, encoder: this.encoder, outbox });
  }
}
