import { create } from 'zustand';

export type ReplicaPhase = 'idle' | 'loading' | 'syncing' | 'ready' | 'no-repository' | 'error';

/** How the renderer's local copy of the catalogue is doing; `revision` bumps on every write. */
interface ReplicaState {
  phase: ReplicaPhase;
  error: string | null;
  revision: number;
  artifacts: number;
  versions: number;
  malformedRecords: number;
  lastSyncAt: number | null;
  /** Where the copy is kept up to date: a worker, or the window when workers are unavailable. */
  runsIn: 'worker' | 'window' | null;
  set(patch: Partial<Omit<ReplicaState, 'set'>>): void;
}

export const useReplicaStore = create<ReplicaState>((set) => ({
  phase: 'idle',
  error: null,
  revision: 0,
  artifacts: 0,
  versions: 0,
  malformedRecords: 0,
  lastSyncAt: null,
  runsIn: null,
  set: (patch) => set(patch),
}));
