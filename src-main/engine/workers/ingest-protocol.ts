import type { ChunkerParams } from '../chunking/params';
import type { SerializedError } from './worker-protocol';

/** The keys an ingest worker needs (structured-cloned, so they arrive as Uint8Array). */
export interface IngestWorkerKeys {
  blobKey: Uint8Array | null;
  chunkIdKey: Uint8Array | null;
  chunkerSeed: Uint8Array;
}

/** What an ingest worker is started with, before its keys arrive (the pool's lateData). */
export interface IngestWorkerSettings {
  chunker: ChunkerParams;
  compression: boolean;
  compressionLevel: number;
  /** Stored bytes a task may have posted but not had acknowledged (back-pressure). */
  maxInFlightBytes: number;
  /** Seal large files' chunks on a helper thread per worker (see sealer-client.ts). */
  sealerThreads: boolean;
}

/** Everything an ingest worker (and its sealer thread) works with. */
export type IngestWorkerConfig = IngestWorkerSettings & IngestWorkerKeys;

/** One large file, or many small ones in one message round. */
export type IngestTask =
  | { type: 'file'; path: string; askKnown: boolean }
  | { type: 'batch'; paths: string[] };

/** What a worker learned about one whole file; `file` is its index in the task. */
export interface FileSummary {
  sha256: string;
  size: number;
  mtimeMs: number;
  chunks: { id: string; length: number }[];
  /** Chunks the main thread said were stored already: not compressed, sealed or sent. */
  knownChunks: number;
}

export type IngestEvent =
  | { type: 'ids'; file: number; chunks: { index: number; id: string }[] }
  /**
   * Stored bytes at `storedOffset` of the batch's slab or, with `ringSeq`, of its stored ring
   * (released with that number once the main thread is done with them).
   */
  | { type: 'chunk'; file: number; index: number; id: string; plainLength: number; compressed: boolean; storedOffset: number; storedLength: number; ringSeq?: number }
  | { type: 'done'; file: number; summary: FileSummary }
  | { type: 'failed'; file: number; error: SerializedError };

/**
 * Worker -> main: events grouped to save messages (many per message for small files). The
 * stored bytes of all chunk events share one transferred buffer: one ArrayBuffer per group
 * instead of one per chunk, which is most of the garbage-collection cost of small files.
 */
export interface IngestEventBatch {
  events: IngestEvent[];
  slab: ArrayBuffer | null;
  /** The worker's stored ring (shared, never copied) when a chunk event has `ringSeq`. */
  ring: SharedArrayBuffer | null;
}

/** Main -> worker while a task runs. */
export type IngestReply =
  | { type: 'ack'; bytes: number }
  | { type: 'known'; file: number; answers: { index: number; known: boolean }[] }
  | { type: 'cancel-file'; file: number };

/** Bytes a posted event counts for in back-pressure, so floods of tiny files are bounded too. */
export function eventCost(storedBytes: number): number {
  return storedBytes + 256;
}
