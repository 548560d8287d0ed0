import { create } from 'zustand';
import type { CommandInput, CommandOutput } from '../../src-shared/contract';
import { api, callCancellable } from '../api/client';
import { describeError, errorCode } from '../api/errors';
import { formatBytes, formatDuration } from '../format';
import { useJobsStore, type JobProgress } from './jobs-store';
import { notify } from './notices-store';
import { systemNotify } from './settings-store';

export type EndpointView = CommandOutput<'endpoints.list'>['endpoints'][number];
export type HealthCheck = CommandOutput<'endpoints.test'>;
export type BackupReport = CommandOutput<'backup.run'>;
export type VerifyReport = CommandOutput<'backup.verify'>;
export type EndpointInput = CommandInput<'endpoints.add'>;

/** One run of a long call against an endpoint: running, then a result or an error. */
export interface Run<T> {
  running: boolean;
  startedAt: number;
  /** The job whose progress events belong to this run, once the first one arrived. */
  jobId: string | null;
  result: T | null;
  error: string | null;
  cancel: (() => void) | null;
}

interface EndpointsState {
  endpoints: EndpointView[];
  loaded: boolean;
  error: string | null;
  tests: Record<string, Run<HealthCheck>>;
  backups: Record<string, Run<BackupReport>>;
  verifies: Record<string, Run<VerifyReport>>;
  history: Record<string, BackupReport[]>;
  load(): Promise<void>;
  save(input: EndpointInput): Promise<void>;
  remove(name: string): Promise<void>;
  test(name: string): Promise<void>;
  backup(name: string): Promise<void>;
  verify(name: string): Promise<void>;
  loadHistory(name: string): Promise<void>;
}

type RunTable = 'tests' | 'backups' | 'verifies';

/** The error text of a run the person cancelled (shown as such, not as a failure). */
export const cancelledText = 'Cancelled.';

const started = <T>(cancel: (() => void) | null): Run<T> => ({ running: true, startedAt: Date.now(), jobId: null, result: null, error: null, cancel });

export const useEndpointsStore = create<EndpointsState>((set, get) => {
  const update = <K extends RunTable>(table: K, name: string, patch: Partial<EndpointsState[K][string]>) =>
    set((state) => {
      const current = state[table][name];
      if (!current) return {};
      return { [table]: { ...state[table], [name]: { ...current, ...patch } } } as Partial<EndpointsState>;
    });
  const begin = <K extends RunTable>(table: K, name: string, run: EndpointsState[K][string]) =>
    set((state) => ({ [table]: { ...state[table], [name]: run } }) as Partial<EndpointsState>);

  return {
    endpoints: [],
    loaded: false,
    error: null,
    tests: {},
    backups: {},
    verifies: {},
    history: {},

    async load() {
      try {
        const { endpoints } = await api['endpoints.list']({});
        set({ endpoints, loaded: true, error: null });
      } catch (err) {
        set({ loaded: true, error: `Endpoints could not be listed: ${describeError(err)}` });
      }
    },

    async save(input) {
      await api['endpoints.add'](input);
      notify('success', `Endpoint "${input.name}" saved.`);
      await get().load();
    },

    async remove(name) {
      await api['endpoints.remove']({ name });
      notify('info', `Endpoint "${name}" removed from this device. Its data stays in the bucket.`);
      await get().load();
    },

    async test(name) {
      begin('tests', name, started<HealthCheck>(null));
      try {
        update('tests', name, { running: false, result: await api['endpoints.test']({ name }) });
      } catch (err) {
        update('tests', name, { running: false, error: describeError(err) });
      }
    },

    async backup(name) {
      const call = callCancellable('backup.run', { endpoint: name });
      begin('backups', name, started<BackupReport>(call.cancel));
      try {
        const report = await call.result;
        update('backups', name, { running: false, result: report, cancel: null });
        const summary = `${report.objectsUploaded} objects (${formatBytes(report.bytesUploaded)}) uploaded in ${formatDuration(report.durationMs)}`;
        notify('success', `Backup to "${name}" finished: ${summary}.`);
        systemNotify('Backup finished', `${name}: ${summary}`);
      } catch (err) {
        const cancelled = errorCode(err) === 'CANCELLED';
        update('backups', name, { running: false, error: cancelled ? cancelledText : describeError(err), cancel: null });
        if (!cancelled) {
          notify('error', `Backup to "${name}" failed: ${describeError(err)}`);
          systemNotify('Backup failed', `${name}: ${describeError(err)}`);
        }
      }
      void get().loadHistory(name);
    },

    async verify(name) {
      const call = callCancellable('backup.verify', { endpoint: name });
      begin('verifies', name, started<VerifyReport>(call.cancel));
      try {
        update('verifies', name, { running: false, result: await call.result, cancel: null });
      } catch (err) {
        update('verifies', name, { running: false, error: errorCode(err) === 'CANCELLED' ? cancelledText : describeError(err), cancel: null });
      }
    },

    async loadHistory(name) {
      try {
        const { jobs } = await api['backup.history']({ endpoint: name, limit: 20 });
        set((state) => ({ history: { ...state.history, [name]: jobs } }));
      } catch (err) {
        notify('error', `The backup history of "${name}" could not be read: ${describeError(err)}`);
      }
    },
  };
});

/**
 * A new backup or verify job goes to the run of that endpoint: `job.progress` names it in
 * `subject`. An engine too old to say gets the old guess: the run of that kind that started
 * without a job, oldest first.
 */
export function connectEndpointJobs(): () => void {
  const attribute = (job: JobProgress) => {
    const table: RunTable | null = job.kind === 'backup' ? 'backups' : job.kind === 'verify' ? 'verifies' : null;
    if (!table) return;
    const runs = useEndpointsStore.getState()[table];
    const candidates = Object.entries(runs).filter(([name, run]) => run.running && run.jobId === null && (job.subject === undefined || name === job.subject));
    const waiting = candidates.sort(([, a], [, b]) => a.startedAt - b.startedAt)[0];
    if (!waiting) return;
    const [name, run] = waiting;
    useEndpointsStore.setState({ [table]: { ...runs, [name]: { ...run, jobId: job.jobId } } } as Partial<EndpointsState>);
  };
  const listeners = useJobsStore.getState().onNewJob;
  listeners.add(attribute);
  return () => listeners.delete(attribute);
}
