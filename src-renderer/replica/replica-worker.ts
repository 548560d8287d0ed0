/// <reference lib="webworker" />
/**
 * The replica core in a Web Worker (see replica-port.ts): calls come in as messages, results and
 * reports go back. Calls run one after another in arrival order, as they would in the window.
 */
import { ReplicaCore } from './replica-core';
import type { FromWorker, ToWorker } from './replica-port';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: FromWorker) => scope.postMessage(message);
const core = new ReplicaCore((report) => post({ type: 'report', report }));

let queue: Promise<unknown> = Promise.resolve();

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const { id, method, arg } = event.data;
  queue = queue.then(async () => {
    try {
      let result: unknown;
      if (method === 'load') result = await core.load();
      else if (method === 'adoptRepository') result = await core.adoptRepository(arg ?? '');
      else if (method === 'stateVector') result = core.stateVector();
      else if (method === 'apply') result = core.apply(arg ?? '');
      else result = await core.flush();
      if (id !== 0) post({ type: 'result', id, ok: true, result: result ?? null });
    } catch (err) {
      if (id !== 0) post({ type: 'result', id, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  });
};
