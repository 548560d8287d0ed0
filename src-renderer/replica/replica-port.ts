/**
 * How the window reaches the replica core: in a Web Worker when the platform allows it, so the
 * window stays responsive while 100k versions are decoded and written; in the window otherwise.
 * Both look the same to manifest-replica.ts.
 */
import { ReplicaCore, type ReplicaReport } from './replica-core';

export type ReplicaMethod = 'load' | 'adoptRepository' | 'stateVector' | 'apply' | 'flush';
export type ToWorker = { id: number; method: ReplicaMethod; arg?: string };
export type FromWorker = { type: 'result'; id: number; ok: true; result: unknown } | { type: 'result'; id: number; ok: false; error: string } | { type: 'report'; report: ReplicaReport };

export interface ReplicaPort {
  readonly where: 'worker' | 'window';
  load(): Promise<void>;
  adoptRepository(repositoryId: string): Promise<'ok' | 'other'>;
  stateVector(): Promise<string>;
  /** Applied in order of calls; errors come back as reports. */
  apply(update: string): void;
  flush(): Promise<void>;
  close(): void;
}

function windowPort(onReport: (report: ReplicaReport) => void): ReplicaPort {
  const core = new ReplicaCore(onReport);
  return {
    where: 'window',
    load: () => core.load(),
    adoptRepository: (id) => core.adoptRepository(id),
    stateVector: async () => core.stateVector(),
    apply: (update) => core.apply(update),
    flush: () => core.flush(),
    close: () => {},
  };
}

function workerPort(worker: Worker, onReport: (report: ReplicaReport) => void): ReplicaPort {
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const message = event.data;
    if (message.type === 'report') return onReport(message.report);
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) call?.resolve(message.result);
    else call?.reject(new Error(message.error));
  };
  worker.onerror = (event) => {
    for (const call of pending.values()) call.reject(new Error(`The replica worker failed: ${event.message}`));
    pending.clear();
  };
  const call = <T>(method: ReplicaMethod, arg?: string) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, method, ...(arg === undefined ? {} : { arg }) } satisfies ToWorker);
    });
  return {
    where: 'worker',
    load: () => call('load'),
    adoptRepository: (id) => call('adoptRepository', id),
    stateVector: () => call('stateVector'),
    apply: (update) => worker.postMessage({ id: 0, method: 'apply', arg: update } satisfies ToWorker),
    flush: () => call('flush'),
    close: () => worker.terminate(),
  };
}

/** A worker when one starts; the window otherwise (a host that forbids module workers). */
export function openReplicaPort(onReport: (report: ReplicaReport) => void): ReplicaPort {
  try {
    const worker = new Worker(new URL('./replica-worker.ts', import.meta.url), { type: 'module', name: 'cairn-replica' });
    return workerPort(worker, onReport);
  } catch {
    return windowPort(onReport);
  }
}

export { windowPort };
