import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CairnError } from '../../../src-shared/errors';

/** What `new Worker()` needs to start an entry, from source (.ts) or from the build (.js). */
export interface WorkerLaunch {
  url: URL;
  workerData: WorkerEnvelope;
  execArgv: string[] | undefined;
}

/** The workerData every Cairn worker receives: its own input, plus how to load a .ts entry. */
export interface WorkerEnvelope {
  data: unknown;
  /** Set only when running from source: the .ts module the bootstrap imports under tsx. */
  tsEntry?: string;
}

export class WorkerEntryNotFoundError extends CairnError {
  constructor(name: string, tried: string[]) {
    super('INTERNAL', `The worker module "${name}" was not found (looked for ${tried.join(', ')}).`, {
      hint: 'The build must emit it beside the main bundle (an extra input in electron.vite.config.ts); reinstall if files are missing.',
    });
    this.name = 'WorkerEntryNotFoundError';
  }
}

/**
 * Finds a worker module next to the calling module. From source that is `<name>.ts` in the same
 * folder; built, it is `<name>.js` in out/main, which is the calling bundle's own folder or,
 * when the caller landed in out/main/chunks, its parent. Names are not literals in `new URL`
 * on purpose: Vite would otherwise copy the source file as an asset.
 */
export function resolveWorkerEntry(callerUrl: string, name: string): URL {
  const fromSource = callerUrl.endsWith('.ts');
  const candidates = fromSource ? [`./${name}.ts`, `./${name}.js`] : [`./${name}.js`, `../${name}.js`, `./${name}.ts`];
  for (const candidate of candidates) {
    const url = new URL(candidate, callerUrl);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new WorkerEntryNotFoundError(name, candidates.map((candidate) => fileURLToPath(new URL(candidate, callerUrl))));
}

/**
 * Node 20 ignores `--import tsx` in a worker's execArgv, so a .ts entry starts through a tiny
 * JS bootstrap that registers tsx inside the worker, then imports the entry.
 */
export function workerLaunch(entry: URL, data: unknown): WorkerLaunch {
  if (!entry.pathname.endsWith('.ts')) return { url: entry, workerData: { data }, execArgv: undefined };
  const bootstrapName = './ts-worker-bootstrap.mjs';
  return { url: new URL(bootstrapName, import.meta.url), workerData: { data, tsEntry: entry.href }, execArgv: [] };
}
