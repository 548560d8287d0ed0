import type { IngestWorkerConfig, IngestWorkerSettings } from './ingest-protocol';
import type { SerializedError } from './worker-protocol';

/**
 * The two roles of the ingest worker module: the pool's ingest worker, and the sealer thread
 * each ingest worker starts for large files (see sealer-client.ts).
 */
/** A pool worker gets its keys later (lateWorkerInput); a sealer thread gets everything at once. */
export type IngestWorkerInput = { role: 'ingest'; settings: IngestWorkerSettings } | { role: 'sealer'; config: IngestWorkerConfig };

/** A chunk in a shared read block. */
export interface SealJob {
  index: number;
  offset: number;
  length: number;
}

/** A chunk to seal, and where in the stored ring its stored bytes go (see stored-ring.ts). */
export interface SealOutJob extends SealJob {
  out: number;
}

export interface SealResult {
  index: number;
  length: number;
  compressed: boolean;
  /** Stored bytes written at the job's `out` in the stored ring. */
  storedLength: number;
}

/** The sealer answers every request once, in order. */
export type ToSealer =
  | { type: 'buffers'; blocks: SharedArrayBuffer[]; ring: SharedArrayBuffer; ringDataStart: number; ringCapacity: number }
  /** Chunk ids only (the main thread is asked which chunks it has before any is sealed). */
  | { type: 'hash'; block: number; jobs: SealJob[] }
  /** Compress and seal; with `withIds` the ids come back too, from the same pass. */
  | { type: 'seal'; block: number; jobs: SealOutJob[]; withIds: boolean };

export type FromSealer =
  | { type: 'ready' }
  | { type: 'hashed'; ids: string[] }
  | { type: 'sealed'; ids: string[] | null; results: SealResult[] }
  | { type: 'failed'; error: SerializedError };
