import type { IngestWorkerConfig } from './ingest-protocol';
import type { SerializedError } from './worker-protocol';

/**
 * The two roles of the ingest worker module: the pool's ingest worker, and the sealer thread
 * each ingest worker starts for large files (see sealer-client.ts).
 */
export type IngestWorkerInput = { role: 'ingest'; config: IngestWorkerConfig } | { role: 'sealer'; config: IngestWorkerConfig };

/** A chunk in a shared read block. */
export interface SealJob {
  index: number;
  offset: number;
  length: number;
}

export interface SealResult {
  index: number;
  length: number;
  compressed: boolean;
  stored: ArrayBuffer;
}

/** The sealer answers every request once, in order. */
export type ToSealer =
  | { type: 'buffers'; blocks: SharedArrayBuffer[] }
  /** Chunk ids only (the main thread is asked which chunks it has before any is sealed). */
  | { type: 'hash'; block: number; jobs: SealJob[] }
  /** Compress and seal; with `withIds` the ids come back too, from the same pass. */
  | { type: 'seal'; block: number; jobs: SealJob[]; withIds: boolean };

export type FromSealer =
  | { type: 'ready' }
  | { type: 'hashed'; ids: string[] }
  | { type: 'sealed'; ids: string[] | null; results: SealResult[] }
  | { type: 'failed'; error: SerializedError };
