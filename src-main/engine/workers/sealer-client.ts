import { Worker } from 'node:worker_threads';
import { CairnError } from '../../../src-shared/errors';
import type { ChunkSink } from './chunk-sink';
import type { EventOutbox } from './event-outbox';
import type { IngestWorkerConfig } from './ingest-protocol';
import type { ReadBuffers } from './read-buffers';
import type { FromSealer, IngestWorkerInput, SealJob, SealOutJob, SealResult, ToSealer } from './sealer-protocol';
import { StoredRing, type RingPlace } from './stored-ring';
import { resolveWorkerEntry, workerLaunch } from './worker-entry';

/** The sealer thread stopped or failed; the file being ingested fails with this. */
export class SealerError extends CairnError {
  constructor(reason: string) {
    super('INTERNAL', `The sealer thread of an ingest worker failed: ${reason}.`, {
      hint: 'Ingest the file again; a new sealer thread starts by itself. If it keeps happening this is a bug in Cairn.',
    });
    this.name = 'SealerError';
  }
}

type Reply = Exclude<FromSealer, { type: 'ready' }>;

/**
 * The ingest worker's handle on its sealer thread (started with the first large file): sends
 * requests naming chunks by position in the shared read blocks, and hands each reply to the
 * request's callback, in order.
 */
export class Sealer {
  private readonly worker: Worker;
  private readonly waiting: ((reply: Reply | SealerError) => void)[] = [];
  private stopped: SealerError | null = null;

  private constructor(worker: Worker) {
    this.worker = worker;
    worker.on('message', (message: FromSealer) => {
      if (message.type !== 'ready') this.waiting.shift()?.(message);
    });
    const stop = (reason: string) => {
      if (this.stopped) return;
      this.stopped = new SealerError(reason);
      for (const callback of this.waiting.splice(0)) callback(this.stopped);
    };
    worker.on('error', (err) => stop(err.message));
    worker.on('exit', (code) => stop(`it exited with code ${code}`));
  }

  /** Starts a sealer thread sharing `buffers` and `ring`; resolves once it is ready. */
  static start(config: IngestWorkerConfig, buffers: ReadBuffers, ring: StoredRing): Promise<Sealer> {
    const input: IngestWorkerInput = { role: 'sealer', config };
    const launch = workerLaunch(resolveWorkerEntry(import.meta.url, 'ingest-worker'), input);
    const worker = new Worker(launch.url, { workerData: launch.workerData, execArgv: launch.execArgv });
    return new Promise((resolve, reject) => {
      const onReady = (message: FromSealer) => {
        if (message.type !== 'ready') return;
        worker.off('message', onReady);
        worker.off('exit', onExit);
        worker.off('error', onError);
        worker.postMessage({ type: 'buffers', blocks: buffers.shared, ring: ring.shared, ringDataStart: StoredRing.dataStart, ringCapacity: ring.capacity } satisfies ToSealer);
        resolve(new Sealer(worker));
      };
      const onExit = (code: number) => reject(new SealerError(`it exited with code ${code} while starting`));
      const onError = (err: Error) => reject(new SealerError(err.message));
      worker.on('message', onReady);
      worker.on('exit', onExit);
      worker.on('error', onError);
    });
  }

  get alive(): boolean {
    return this.stopped === null;
  }

  request(message: Exclude<ToSealer, { type: 'buffers' }>, callback: (reply: Reply | SealerError) => void): void {
    if (this.stopped) {
      callback(this.stopped);
      return;
    }
    this.waiting.push(callback);
    this.worker.postMessage(message);
  }
}

interface HeldBlock {
  block: number;
  jobs: SealJob[];
  /** Per job, once known: did the main thread have the chunk already? */
  known: (boolean | undefined)[];
  hashed: boolean;
  sealing: boolean;
  release: (() => void)[];
}

/**
 * Chunks of one file handed to the sealer thread a block at a time and posted to the main
 * thread in order as results come back. With `askKnown`, a block is hashed first, its ids go to
 * the main thread, and only the chunks it does not have are sealed: the worker keeps chunking
 * meanwhile, and a block stays untouched until its last chunk is dealt with.
 */
export class SealerSink implements ChunkSink {
  private readonly sealer: Sealer;
  private readonly outbox: EventOutbox;
  private readonly file: number;
  private readonly askKnown: boolean;
  private readonly ring: StoredRing;
  /** What sealing adds to a chunk (room reserved in the ring beyond its plain length). */
  private readonly overhead: number;
  /** Blocks to seal, in order, waiting for room in the ring. */
  private readonly sealQueue: { held: HeldBlock; jobs: SealJob[]; withIds: boolean }[] = [];
  private waitingForRoom = false;
  private abandoned = false;
  private jobs: SealJob[] = [];
  private chunkCount = 0;
  /** Blocks in use by this file, oldest first. */
  private readonly held: HeldBlock[] = [];
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  readonly ids: string[] = [];
  knownCount = 0;

  constructor(options: { sealer: Sealer; outbox: EventOutbox; file: number; askKnown: boolean; ring: StoredRing; overhead: number }) {
    this.sealer = options.sealer;
    this.outbox = options.outbox;
    this.file = options.file;
    this.askKnown = options.askKnown;
    this.ring = options.ring;
    this.overhead = options.overhead;
  }

  add(_block: number, offset: number, length: number): void {
    this.jobs.push({ index: this.chunkCount++, offset, length });
  }

  endBlock(block: number): void {
    if (this.jobs.length === 0) return;
    const held: HeldBlock = { block, jobs: this.jobs, known: [], hashed: false, sealing: false, release: [] };
    this.jobs = [];
    this.held.push(held);
    if (!this.askKnown) {
      this.seal(held, held.jobs, true);
      return;
    }
    this.sealer.request({ type: 'hash', block, jobs: held.jobs }, (reply) => {
      if (reply instanceof SealerError || reply.type !== 'hashed') return this.fail(held, reply);
      held.hashed = true;
      held.jobs.forEach((job, n) => (this.ids[job.index] = reply.ids[n]!));
      this.outbox.push({ type: 'ids', file: this.file, chunks: held.jobs.map((job) => ({ index: job.index, id: this.ids[job.index]! })) });
      this.outbox.flush();
    });
  }

  /** The main thread's "stored already?" answers. */
  answer(answers: { index: number; known: boolean }[]): void {
    for (const { index, known } of answers) {
      for (const held of this.held) {
        const n = held.jobs.findIndex((job) => job.index === index);
        if (n >= 0) held.known[n] = known;
      }
    }
    // Strictly in order, so chunk events leave in order.
    for (const held of this.held) {
      if (held.sealing) continue;
      if (!held.hashed || held.known.length < held.jobs.length || held.known.includes(undefined)) break;
      const unknown = held.jobs.filter((_, n) => !held.known[n]);
      this.knownCount += held.jobs.length - unknown.length;
      this.seal(held, unknown, false);
    }
  }

  released(block: number): Promise<void> {
    const held = this.held.find((candidate) => candidate.block === block);
    if (!held) return Promise.resolve();
    return new Promise((resolve) => held.release.push(resolve));
  }

  async finish(): Promise<void> {
    while (this.held.length > 0 && this.failure === null) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.failure) throw this.failure;
  }

  async abandon(): Promise<void> {
    this.abandoned = true;
    this.pumpSeals();
    // Answers will not come: treat every waiting chunk as known so blocks are let go.
    for (const held of this.held) if (held.hashed && !held.sealing) held.known = held.jobs.map(() => true);
    this.answer([]);
    // The buffers may be reused only once the sealer is done with them.
    while (this.held.some((held) => held.sealing || !held.hashed)) await new Promise<void>((resolve) => (this.wake = resolve));
    for (const held of this.held.splice(0)) for (const release of held.release) release();
  }

  private seal(held: HeldBlock, jobs: SealJob[], withIds: boolean): void {
    held.sealing = true;
    this.sealQueue.push({ held, jobs, withIds });
    this.pumpSeals();
  }

  /**
   * Sends queued blocks to the sealer in order, each once its chunks have room in the ring;
   * waits for the main thread to release earlier chunks when they do not.
   */
  private pumpSeals(): void {
    while (this.sealQueue.length > 0 && !this.waitingForRoom) {
      const { held, jobs, withIds } = this.sealQueue[0]!;
      if (jobs.length === 0 || this.failure !== null || this.abandoned) {
        this.sealQueue.shift();
        this.done(held);
        continue;
      }
      const places = this.ring.reserve(jobs.map((job) => job.length + this.overhead));
      if (places === null) {
        // Room comes back as the main thread finishes chunks: make sure it has them all.
        this.outbox.flush();
        this.waitingForRoom = true;
        void this.ring.released().then(() => {
          this.waitingForRoom = false;
          this.pumpSeals();
        });
        return;
      }
      this.sealQueue.shift();
      this.request(held, jobs, withIds, places);
    }
  }

  private request(held: HeldBlock, jobs: SealJob[], withIds: boolean, places: RingPlace[]): void {
    const outJobs: SealOutJob[] = jobs.map((job, n) => ({ ...job, out: places[n]!.offset }));
    this.sealer.request({ type: 'seal', block: held.block, jobs: outJobs, withIds }, (reply) => {
      if (reply instanceof SealerError || reply.type !== 'sealed') {
        this.ring.releaseHere(places);
        return this.fail(held, reply);
      }
      if (reply.ids) jobs.forEach((job, n) => (this.ids[job.index] = reply.ids![n]!));
      if (this.failure === null) this.post(reply.results, places);
      else this.ring.releaseHere(places);
      this.done(held);
    });
  }

  private post(results: SealResult[], places: RingPlace[]): void {
    results.forEach(({ index, length, compressed, storedLength }, n) => {
      const place = places[n]!;
      this.outbox.pushRingChunk({ file: this.file, index, id: this.ids[index]!, plainLength: length, compressed }, this.ring.shared, place.seq, place.offset, storedLength);
    });
  }

  private done(held: HeldBlock): void {
    const at = this.held.indexOf(held);
    if (at >= 0) this.held.splice(at, 1);
    for (const release of held.release) release();
    this.notify();
  }

  private fail(held: HeldBlock, reply: Reply | SealerError): void {
    const error = reply instanceof SealerError ? reply : reply.type === 'failed' ? new SealerError(reply.error.message) : new SealerError(`unexpected reply "${reply.type}"`);
    this.failure ??= error;
    held.hashed = true;
    this.done(held);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
