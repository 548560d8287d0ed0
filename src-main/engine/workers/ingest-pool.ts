import { RemoteError } from '../../../src-shared/errors';
import { defaultChunkerParams, validateChunkerParams, type ChunkerParams } from '../chunking/params';
import { defaultCompressionLevel } from '../compression/zstd';
import { CryptoInputError, requireKeyLength } from '../crypto/errors';
import type { RepoKeys } from '../crypto/repo-keys';
import { ownsBuffer } from './event-outbox';
import { IngestCancelledError, reviveIngestError } from './ingest-errors';
import { eventCost, type FileSummary, type IngestEvent, type IngestEventBatch, type IngestReply, type IngestTask, type IngestWorkerKeys, type IngestWorkerSettings } from './ingest-protocol';
import type { RestoreFileResult, RestoreFileTask, RestoreRunMessage, RestoreWrittenEvent } from './restore-protocol';
import { storedRingView } from './stored-ring';
import { TaskCancelledError } from './pool-errors';
import type { IngestWorkerInput } from './sealer-protocol';
import { resolveWorkerEntry } from './worker-entry';
import { WorkerPool, type TaskReply } from './worker-pool';
import type { Transferable } from 'node:worker_threads';
import type { SerializedError } from './worker-protocol';

export interface IngestPoolOptions {
  /**
   * The repository's keys, or their promise: the workers then start loading while the
   * passphrase is still being checked (scrypt), and create() rejects if it fails.
   */
  keys: RepoKeys | Promise<RepoKeys>;
  /** The repository's chunker parameters (default 512 KiB / 1 MiB / 8 MiB). */
  chunker?: ChunkerParams;
  /** Try zstd on every chunk (stored compressed only when it saves >= 3%). */
  compression: boolean;
  compressionLevel?: number;
  /** Worker threads; default: the cores available. */
  size?: number;
  /** Stored bytes one task may have posted before the main thread finished with them (16 MiB). */
  maxInFlightBytes?: number;
  /**
   * Give each worker a helper thread that hashes and seals chunks while the worker reads and
   * chunks (default true): one large file then keeps two cores busy. Without it a worker does
   * everything itself, which uses the least CPU per byte but one core per file.
   */
  sealerThreads?: boolean;
  /** The worker module, when it is not next to this one (see worker-entry.ts). */
  workerEntry?: URL;
}

/** One chunk ready to go into a pack. `stored` is compressed and/or sealed as the flags say. */
export interface StoredChunk {
  /** Position of the chunk in its file. */
  index: number;
  /** Hex chunk id: HMAC-SHA-256 (encrypted repository) or SHA-256 of the plain bytes. */
  id: string;
  plainLength: number;
  compressed: boolean;
  /**
   * The bytes to store. Borrowed: they may be shared memory the worker reuses once onChunk's
   * promise settles, so copy what must outlive it (PackWriter.add does).
   */
  stored: Buffer;
}

export interface IngestFileOptions {
  /** Receives every chunk in order; the next chunk of this file waits for the returned promise. */
  onChunk?(chunk: StoredChunk): Promise<void> | void;
  /**
   * "Is this chunk stored already?" Chunks answered true skip compression, sealing and onChunk.
   * Asked without stalling the worker; used for files larger than one chunk.
   */
  isKnown?(id: string): boolean;
  signal?: AbortSignal;
  /**
   * The size from a listing. Files up to the chunker's minSize are batched many per worker
   * round trip, which is several times faster for small files; without a hint every file is
   * its own task.
   */
  sizeHint?: number;
}

export interface FileResult extends FileSummary {
  path: string;
}

interface FileRequest {
  path: string;
  options: IngestFileOptions;
  resolve(result: FileResult): void;
  reject(error: unknown): void;
  /** Work for this file in arrival order (onChunk calls, then settling); see pump(). */
  steps: FileStep[];
  pumping: boolean;
  /** onChunk failed: the file fails with this once its events are drained. */
  failure: unknown;
  /** Its done or failed event arrived. */
  ended: boolean;
  settled: boolean;
  abortListener: (() => void) | null;
}

interface FileStep {
  run(): unknown;
  fail(error: unknown): void;
  after(): void;
}

interface Batch {
  files: FileRequest[];
  bytes: number;
  reply: TaskReply | null;
}

// Enough chunks in transit to keep both sides busy; more only raises peak memory (target < 300 MB).
const defaultMaxInFlight = 16 * 1024 * 1024;
const maxBatchFiles = 256;
const maxBatchBytes = 8 * 1024 * 1024;
/** Runs of a restored file read ahead of the worker writing it. */
const restoreRunsAhead = 3;

function checkOptions(options: IngestPoolOptions): { chunker: ChunkerParams; level: number } {
  const level = options.compressionLevel ?? defaultCompressionLevel;
  if (!Number.isInteger(level) || level < 1 || level > 19) {
    throw new CryptoInputError(`compression level ${level} is not an integer from 1 to 19`, 'Leave it unset for the default (1).');
  }
  return { chunker: validateChunkerParams(options.chunker ?? defaultChunkerParams), level };
}

function workerKeys(keys: RepoKeys): IngestWorkerKeys {
  requireKeyLength('chunker seed', keys.chunkerSeed, 32);
  if ((keys.blobKey === null) !== (keys.chunkIdKey === null)) {
    throw new CryptoInputError('blobKey and chunkIdKey must both be set (encrypted) or both be null (unencrypted)', 'Build the keys with deriveRepoKeys() or plainRepoKeys().');
  }
  if (keys.blobKey) requireKeyLength('blob key', keys.blobKey, 32);
  if (keys.chunkIdKey) requireKeyLength('chunk id key', keys.chunkIdKey, 32);
  return { blobKey: keys.blobKey, chunkIdKey: keys.chunkIdKey, chunkerSeed: keys.chunkerSeed };
}

/**
 * Ingests files on a pool of worker threads: each file is read, chunked (FastCDC), hashed
 * (SHA-256 of the whole file and an id per chunk), compressed and sealed off the main thread;
 * the main thread only receives ready-to-store chunks, at most `maxInFlightBytes` ahead of
 * its `onChunk` per task. Many files run at once, spread over the workers.
 */
export class IngestPool {
  private readonly pool: WorkerPool;
  private readonly smallFileLimit: number;
  private openBatch: Batch | null = null;

  private constructor(pool: WorkerPool, smallFileLimit: number) {
    this.pool = pool;
    this.smallFileLimit = smallFileLimit;
  }

  static async create(options: IngestPoolOptions): Promise<IngestPool> {
    const { chunker, level } = checkOptions(options);
    const settings: IngestWorkerSettings = {
      chunker: { minSize: chunker.minSize, avgSize: chunker.avgSize, maxSize: chunker.maxSize },
      compression: options.compression,
      compressionLevel: level,
      maxInFlightBytes: options.maxInFlightBytes ?? defaultMaxInFlight,
      sealerThreads: options.sealerThreads ?? true,
    };
    const input: IngestWorkerInput = { role: 'ingest', settings };
    const pool = await WorkerPool.create({
      entry: options.workerEntry ?? resolveWorkerEntry(import.meta.url, 'ingest-worker'),
      size: options.size,
      workerData: input,
      lateData: Promise.resolve(options.keys).then(workerKeys),
      reviveError: reviveIngestError,
    });
    return new IngestPool(pool, chunker.minSize);
  }

  /** Worker threads in the pool. */
  get size(): number {
    return this.pool.size;
  }

  /**
   * Ingests one file. Rejects with FileChangedError (retry later), FileNotFoundError,
   * FilePermissionError, NotAFileError, FileReadError, IngestCancelledError, whatever onChunk
   * threw, or WorkerCrashedError.
   */
  ingestFile(path: string, options: IngestFileOptions = {}): Promise<FileResult> {
    return new Promise<FileResult>((resolve, reject) => {
      const request: FileRequest = {
        path,
        options,
        resolve,
        reject,
        steps: [],
        pumping: false,
        failure: null,
        ended: false,
        settled: false,
        abortListener: null,
      };
      if (options.signal?.aborted) {
        reject(new IngestCancelledError(path));
        return;
      }
      const hint = options.sizeHint;
      if (hint !== undefined && hint >= 0 && hint <= this.smallFileLimit) this.addToBatch(request, hint);
      else this.runSingle(request);
    });
  }

  /**
   * Writes one restored file on a worker. `fetchRun(i)` reads run i's stored bytes (called in
   * order, at most a few runs ahead of the worker) and hands them over: they are transferred to
   * the worker, so return memory nothing else uses. The worker opens, decompresses, hashes and
   * writes them to `task.temp`; this resolves with the size and SHA-256 it wrote, for the caller
   * to check. A failed fetch stops the worker and rejects with that failure.
   */
  restoreFile(task: RestoreFileTask, fetchRun: (index: number) => Promise<Uint8Array>, options: { onBytes?(bytes: number): void; signal?: AbortSignal } = {}): Promise<RestoreFileResult> {
    const stop = new AbortController();
    const outer = options.signal;
    const onOuterAbort = () => stop.abort();
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    if (outer?.aborted) stop.abort();
    let fetchFailure: unknown = null;
    let reply: TaskReply | null = null;
    let sent = 0;
    let written = 0;
    let feeding = false;
    const feed = async () => {
      if (feeding) return;
      feeding = true;
      try {
        while (reply && !stop.signal.aborted && sent < task.runs.length && sent - written < restoreRunsAhead) {
          const index = sent++;
          const bytes = await fetchRun(index);
          const transfer: Transferable[] | undefined = ownsBuffer(bytes) ? [bytes.buffer as ArrayBuffer] : undefined;
          reply({ type: 'run', index, bytes } satisfies RestoreRunMessage, transfer);
        }
      } catch (err) {
        fetchFailure ??= err;
        stop.abort();
      } finally {
        feeding = false;
      }
    };
    return this.pool
      .run<RestoreFileResult>({
        label: `restoring "${task.temp}"`,
        prepare: () => ({ payload: task }),
        onStart: (taskReply) => {
          reply = taskReply;
          void feed();
        },
        onMessage: (payload) => {
          const event = payload as RestoreWrittenEvent;
          written = event.index + 1;
          options.onBytes?.(event.bytes);
          void feed();
        },
        signal: stop.signal,
      })
      .catch((err: unknown) => {
        throw fetchFailure ?? err;
      })
      .finally(() => outer?.removeEventListener('abort', onOuterAbort));
  }

  /** Finishes every accepted file, then stops the workers. */
  close(): Promise<void> {
    return this.pool.close();
  }

  /** Stops the workers now; unfinished files fail. */
  destroy(): Promise<void> {
    return this.pool.destroy();
  }

  private runSingle(request: FileRequest): void {
    const task: IngestTask = { type: 'file', path: request.path, askKnown: request.options.isKnown !== undefined };
    const files = [request];
    this.pool
      .run<null>({
        label: `ingesting "${request.path}"`,
        prepare: () => ({ payload: task }),
        onMessage: (payload, reply) => this.route(files, payload as IngestEventBatch, reply),
        signal: request.options.signal,
      })
      .then(
        () => this.failUnended(files, lostFileError(request.path)),
        (err: unknown) => this.failUnended(files, err instanceof TaskCancelledError ? new IngestCancelledError(request.path) : err),
      );
  }

  private addToBatch(request: FileRequest, size: number): void {
    let batch = this.openBatch;
    const fresh = !batch || batch.files.length >= maxBatchFiles || batch.bytes + size > maxBatchBytes;
    if (fresh || !batch) {
      batch = { files: [], bytes: 0, reply: null };
      this.openBatch = batch;
    }
    batch.files.push(request);
    batch.bytes += size;
    // Queued after the file joined: with an idle worker the batch is sent at once.
    if (fresh) this.startBatch(batch);
    const signal = request.options.signal;
    if (signal) {
      const owner = batch;
      request.abortListener = () => this.cancelInBatch(owner, request);
      signal.addEventListener('abort', request.abortListener, { once: true });
    }
  }

  private startBatch(batch: Batch): void {
    this.pool
      .run<null>({
        label: 'ingesting a batch of small files',
        prepare: () => {
          // From here on the batch is fixed: later small files go into a new one.
          if (this.openBatch === batch) this.openBatch = null;
          const task: IngestTask = { type: 'batch', paths: batch.files.map((file) => file.path) };
          return { payload: task };
        },
        onStart: (reply) => {
          batch.reply = reply;
        },
        onMessage: (payload, reply) => this.route(batch.files, payload as IngestEventBatch, reply),
      })
      .then(
        () => {
          for (const file of batch.files) if (!file.ended) this.settle(file, lostFileError(file.path));
        },
        (err: unknown) => {
          if (this.openBatch === batch) this.openBatch = null;
          this.failUnended(batch.files, err);
        },
      );
  }

  private cancelInBatch(batch: Batch, request: FileRequest): void {
    const index = batch.files.indexOf(request);
    if (index < 0 || request.ended) return;
    if (batch.reply === null) {
      // Not sent to a worker yet: just leave the batch.
      batch.files.splice(index, 1);
      this.settle(request, new IngestCancelledError(request.path));
    } else {
      const reply: IngestReply = { type: 'cancel-file', file: index };
      batch.reply(reply);
    }
  }

  /** Delivers a group of worker events to their files, acknowledging each once handled. */
  private route(files: FileRequest[], batch: IngestEventBatch, reply: TaskReply): void {
    let acked = 0;
    let scheduled = false;
    const ack = (bytes: number) => {
      acked += bytes;
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(() => {
        scheduled = false;
        const message: IngestReply = { type: 'ack', bytes: acked };
        acked = 0;
        reply(message);
      });
    };

    for (const event of batch.events) {
      const request = files[event.file];
      if (!request) {
        if (event.type === 'chunk') releaseRingPlace(batch, event);
        continue;
      }
      switch (event.type) {
        case 'ids': {
          const isKnown = request.options.isKnown;
          const answers = event.chunks.map(({ index, id }) => ({ index, known: isKnownSafely(isKnown, id) }));
          reply({ type: 'known', file: event.file, answers } satisfies IngestReply);
          ack(eventCost(0));
          break;
        }
        case 'chunk': {
          const cost = eventCost(event.storedLength);
          const onChunk = request.options.onChunk;
          const stored = storedBytes(batch, event);
          if (!onChunk || stored === null) {
            releaseRingPlace(batch, event);
            ack(cost);
            break;
          }
          const chunk: StoredChunk = { index: event.index, id: event.id, plainLength: event.plainLength, compressed: event.compressed, stored };
          const file = event.file;
          this.enqueue(request, {
            run: () => (request.failure === null && !request.settled ? onChunk(chunk) : undefined),
            fail: (err) => {
              if (request.failure !== null) return;
              request.failure = err;
              reply({ type: 'cancel-file', file } satisfies IngestReply);
            },
            after: () => {
              releaseRingPlace(batch, event);
              ack(cost);
            },
          });
          break;
        }
        case 'done':
        case 'failed': {
          request.ended = true;
          ack(eventCost(0));
          const outcome = event;
          this.enqueue(request, {
            run: () => {
              if (request.failure !== null) this.settle(request, request.failure);
              else if (outcome.type === 'done') this.settle(request, null, { path: request.path, ...outcome.summary });
              else this.settle(request, reviveFileError(outcome.error));
            },
            fail: () => {},
            after: () => {},
          });
          break;
        }
      }
    }
  }

  /**
   * Runs a file's steps one after another. Synchronous onChunk handlers run right away with no
   * promise in between (thousands of small files); a returned promise holds the next step.
   */
  private enqueue(request: FileRequest, step: FileStep): void {
    request.steps.push(step);
    if (!request.pumping) this.pump(request);
  }

  private pump(request: FileRequest): void {
    request.pumping = true;
    for (let step = request.steps.shift(); step; step = request.steps.shift()) {
      let result: unknown;
      try {
        result = step.run();
      } catch (err) {
        step.fail(err);
        step.after();
        continue;
      }
      if (isPromiseLike(result)) {
        const current = step;
        result.then(
          () => {
            current.after();
            this.pump(request);
          },
          (err: unknown) => {
            current.fail(err);
            current.after();
            this.pump(request);
          },
        );
        return;
      }
      step.after();
    }
    request.pumping = false;
  }

  private failUnended(files: FileRequest[], error: unknown): void {
    for (const request of files) if (!request.ended) this.settle(request, error);
  }

  private settle(request: FileRequest, error: unknown, result?: FileResult): void {
    if (request.settled) return;
    request.settled = true;
    request.ended = true;
    if (request.abortListener) request.options.signal?.removeEventListener('abort', request.abortListener);
    request.abortListener = null;
    if (result) request.resolve(result);
    else request.reject(error);
  }
}

/** A worker finished its task without a word about this file: a bug, never expected. */
function lostFileError(path: string): Error {
  return new RemoteError({ code: 'INTERNAL', message: `The ingest worker finished without reporting "${path}".`, hint: 'This is a bug in Cairn; ingesting the file again usually works.' });
}

type ChunkEvent = Extract<IngestEvent, { type: 'chunk' }>;

/** A chunk's stored bytes: in the batch's slab, or a view of the worker's stored ring. */
function storedBytes(batch: IngestEventBatch, event: ChunkEvent): Buffer | null {
  if (event.ringSeq !== undefined) return batch.ring ? storedRingView.bytes(batch.ring, event.storedOffset, event.storedLength) : null;
  return batch.slab ? Buffer.from(batch.slab, event.storedOffset, event.storedLength) : null;
}

/** Lets the worker reuse a ring chunk's place (its bytes are in a pack, or not wanted). */
function releaseRingPlace(batch: IngestEventBatch, event: ChunkEvent): void {
  if (event.ringSeq !== undefined && batch.ring) storedRingView.release(batch.ring, event.ringSeq);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function isKnownSafely(isKnown: ((id: string) => boolean) | undefined, id: string): boolean {
  try {
    return isKnown?.(id) === true;
  } catch {
    // A failing lookup only costs the shortcut: the chunk is stored again.
    return false;
  }
}

function reviveFileError(error: SerializedError): Error {
  return reviveIngestError(error) ?? new RemoteError({ code: error.code, message: error.message, hint: error.hint, details: error.details });
}
