import { Engine, type EngineOptions } from '../engine/engine';
import { startLogFileSink } from '../engine/observability/log-file-sink';
import { defaultLogDir } from '../engine/paths';
import { startLocalEndpoint, type LocalEndpoint } from './local-socket';

export interface OwningEngine {
  engine: Engine;
  endpoint: LocalEndpoint;
  stop(): Promise<void>;
}

/**
 * Starts the engine that owns a repository on this machine (the desktop app, `cairn serve`,
 * `cairn watch run`): takes the repository lock, opens the repository, and serves the contract
 * on the local socket so CLI commands run through it instead of opening a second writer.
 * When another live engine owns the repository, this throws `RepositoryLockedError`.
 */
export async function startOwningEngine(options: EngineOptions & { purpose: string; logDir?: string }): Promise<OwningEngine> {
  const { purpose, logDir, ...engineOptions } = options;
  // The owner runs the sync loop (when a sync endpoint is configured) and mirrors to endpoints
  // with `mirror: true`; short-lived commands do neither.
  const engine = new Engine({ backgroundSync: true, backgroundMirror: true, ...engineOptions, lock: { purpose } });
  // Before start, so the log file has the start-up too (JSON lines, rotated by size).
  const logs = startLogFileSink(engine.events, { dir: logDir ?? defaultLogDir() });
  let endpoint: LocalEndpoint;
  try {
    await engine.start();
    endpoint = await startLocalEndpoint(engine, engine.vault.localDir);
    await engine.lock!.advertise(endpoint.socketPath);
  } catch (err) {
    await engine.stop();
    await logs.stop();
    throw err;
  }
  return {
    engine,
    endpoint,
    async stop() {
      await endpoint.close();
      await engine.stop();
      await logs.stop();
    },
  };
}
