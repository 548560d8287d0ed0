import { create } from 'zustand';
import type { EventPayload } from '../../src-shared/contract';
import { api } from '../api/client';

type ProgressEvent = EventPayload<'job.progress'>;

/** A long operation as its progress events describe it, with speed and time left derived. */
export interface JobProgress extends ProgressEvent {
  firstSeenAt: number;
  updatedAt: number;
  /** Bytes per second since the first event (null until two samples exist). */
  bytesPerSecond: number | null;
  /** Milliseconds left at that speed, when the total is known. */
  etaMs: number | null;
}

interface JobsState {
  jobs: Record<string, JobProgress>;
  /** Called with each job id the first time it is seen (attribution to the call that started it). */
  onNewJob: Set<(job: JobProgress) => void>;
}

export const useJobsStore = create<JobsState>(() => ({ jobs: {}, onNewJob: new Set() }));

const forgetAfterMs = 10 * 60_000;
const firstBytes = new Map<string, { at: number; bytes: number }>();

function derive(event: ProgressEvent, previous: JobProgress | undefined, now: number): JobProgress {
  const first = firstBytes.get(event.jobId);
  let bytesPerSecond: number | null = null;
  if (first && event.bytesDone !== undefined && now > first.at) bytesPerSecond = ((event.bytesDone - first.bytes) * 1000) / (now - first.at);
  else if (event.bytesDone !== undefined && !first) firstBytes.set(event.jobId, { at: now, bytes: event.bytesDone });
  const left = event.bytesTotal !== undefined && event.bytesDone !== undefined ? event.bytesTotal - event.bytesDone : null;
  const etaMs = bytesPerSecond && bytesPerSecond > 0 && left !== null ? (left / bytesPerSecond) * 1000 : null;
  return { ...event, firstSeenAt: previous?.firstSeenAt ?? now, updatedAt: now, bytesPerSecond, etaMs };
}

/** Subscribes to `job.progress` once, at start-up. */
export function connectJobsStore(): () => void {
  const stop = api.on('job.progress', (event) => {
    const now = Date.now();
    const { jobs, onNewJob } = useJobsStore.getState();
    const previous = jobs[event.jobId];
    const job = derive(event, previous, now);
    const kept: Record<string, JobProgress> = {};
    for (const [id, j] of Object.entries(jobs)) if (now - j.updatedAt < forgetAfterMs) kept[id] = j;
    kept[event.jobId] = job;
    useJobsStore.setState({ jobs: kept });
    if (!previous) for (const listener of onNewJob) listener(job);
  });
  return stop;
}

/** The newest job of a kind first seen at or after `since` (the one a call just started). */
export function useJobSince(kind: JobProgress['kind'], since: number | null): JobProgress | null {
  return useJobsStore((state) => {
    if (since === null) return null;
    let newest: JobProgress | null = null;
    for (const job of Object.values(state.jobs)) {
      if (job.kind === kind && job.firstSeenAt >= since && (!newest || job.firstSeenAt > newest.firstSeenAt)) newest = job;
    }
    return newest;
  });
}
