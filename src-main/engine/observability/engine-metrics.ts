import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CairnError } from '../../../src-shared/errors';
import type { Backend } from '../backends/backend';
import { InstrumentedBackend, type BackendOperation } from '../backends/instrumented-backend';

/** What the sync loop last did, read when metrics are scraped; null while sync is not set up. */
export type SyncSnapshot = { endpoint: string; lastRoundAt: number | null; lastRoundOk: boolean | null } | null;

/** Where a backend operation went: the repository itself, or an endpoint (by name). */
export type BackendTarget = { kind: 'repository' } | { kind: 'endpoint'; name: string };

/**
 * The engine's Prometheus metrics (served on `/metrics` in server mode). One registry per
 * engine, never prom-client's global one, so two engines in one process (tests) do not mix.
 *
 * - commands by name and result (ok or the error code), and how long they took;
 * - backend operations by target, verb and result; bytes uploaded to and downloaded from each
 *   endpoint;
 * - bytes ingested, the new bytes they added after deduplication, and the resulting ratio;
 * - objects waiting in a running backup, per endpoint;
 * - how long ago the last sync round ran, and whether it succeeded;
 * - errors by code and by where they surfaced.
 */
export class EngineMetrics {
  readonly registry = new Registry();
  private readonly commands: Counter<'command' | 'result'>;
  private readonly commandSeconds: Histogram<'command'>;
  private readonly backendOperations: Counter<'target' | 'endpoint' | 'verb' | 'result'>;
  private readonly uploaded: Counter<'endpoint'>;
  private readonly downloaded: Counter<'endpoint'>;
  private readonly ingested: Counter;
  private readonly ingestedNew: Counter;
  private readonly errors: Counter<'code' | 'source'>;
  private readonly queueDepth: Gauge<'endpoint'>;
  private readonly totals = { ingested: 0, ingestedNew: 0 };
  private readonly sync: { read: () => Promise<SyncSnapshot> } = { read: async () => null };

  constructor() {
    const registers = [this.registry];
    this.commands = new Counter({ name: 'cairn_commands_total', help: 'Contract commands run, by command and result (ok or error code).', labelNames: ['command', 'result'], registers });
    this.commandSeconds = new Histogram({
      name: 'cairn_command_duration_seconds',
      help: 'How long contract commands took.',
      labelNames: ['command'],
      buckets: [0.005, 0.025, 0.1, 0.5, 2, 10, 60, 300],
      registers,
    });
    this.backendOperations = new Counter({
      name: 'cairn_backend_operations_total',
      help: 'Storage operations by target (repository or endpoint), verb and result (ok or error code).',
      labelNames: ['target', 'endpoint', 'verb', 'result'],
      registers,
    });
    this.uploaded = new Counter({ name: 'cairn_endpoint_uploaded_bytes_total', help: 'Bytes written to each endpoint.', labelNames: ['endpoint'], registers });
    this.downloaded = new Counter({ name: 'cairn_endpoint_downloaded_bytes_total', help: 'Bytes read from each endpoint.', labelNames: ['endpoint'], registers });
    this.ingested = new Counter({ name: 'cairn_ingested_bytes_total', help: 'Bytes read from files stored as versions or snapshots.', registers });
    this.ingestedNew = new Counter({ name: 'cairn_ingested_new_bytes_total', help: 'Of the ingested bytes, those the repository did not already hold.', registers });
    const totals = this.totals;
    new Gauge({
      name: 'cairn_dedupe_ratio',
      help: 'Share of ingested bytes that were already stored (0 to 1) since the engine started.',
      registers,
      // Computed when scraped, from the running totals.
      collect() {
        this.set(totals.ingested === 0 ? 0 : 1 - totals.ingestedNew / totals.ingested);
      },
    });
    this.errors = new Counter({ name: 'cairn_errors_total', help: 'Errors by code and where they surfaced (command or backend).', labelNames: ['code', 'source'], registers });
    // Both sync gauges read the sync state when scraped (one read per scrape, shared); nothing is
    // reported while sync is not set up.
    const sync = this.sync;
    let reading: Promise<SyncSnapshot> | null = null;
    const readSync = () => {
      // Shared by the two gauges of one scrape (collected together), fresh for the next one.
      reading ??= sync
        .read()
        .catch(() => null)
        .finally(() => setImmediate(() => (reading = null)));
      return reading;
    };
    new Gauge({
      name: 'cairn_sync_seconds_since_last_round',
      help: 'Seconds since the last sync round (the sync lag, at most).',
      labelNames: ['endpoint'],
      registers,
      async collect() {
        this.reset();
        const state = await readSync();
        if (state?.lastRoundAt != null) this.set({ endpoint: state.endpoint }, Math.max(0, (Date.now() - state.lastRoundAt) / 1000));
      },
    });
    new Gauge({
      name: 'cairn_sync_last_round_ok',
      help: '1 when the last sync round succeeded, 0 when it failed.',
      labelNames: ['endpoint'],
      registers,
      async collect() {
        this.reset();
        const state = await readSync();
        if (state?.lastRoundOk != null) this.set({ endpoint: state.endpoint }, state.lastRoundOk ? 1 : 0);
      },
    });
    this.queueDepth = new Gauge({ name: 'cairn_endpoint_queue_depth', help: 'Objects waiting to be copied by the running backup, per endpoint.', labelNames: ['endpoint'], registers });
  }

  /** Runs one contract command and counts it by result. */
  async observeCommand<T>(command: string, run: () => Promise<T>): Promise<T> {
    const label = command.slice(0, 100);
    const stopTimer = this.commandSeconds.startTimer({ command: label });
    try {
      const output = await run();
      this.commands.inc({ command: label, result: 'ok' });
      this.countIngest(output);
      return output;
    } catch (err) {
      const code = errorCode(err);
      this.commands.inc({ command: label, result: code });
      this.errors.inc({ code, source: 'command' });
      throw err;
    } finally {
      stopTimer();
    }
  }

  /** Wraps a backend so its operations are counted (and endpoint bytes measured). */
  instrument(backend: Backend, target: BackendTarget): Backend {
    return new InstrumentedBackend(backend, { onOperation: (operation) => this.recordBackendOperation(target, operation) });
  }

  recordBackendOperation(target: BackendTarget, operation: BackendOperation): void {
    const endpoint = target.kind === 'endpoint' ? target.name : '';
    this.backendOperations.inc({ target: target.kind, endpoint, verb: operation.verb, result: operation.result });
    if (operation.result !== 'ok') this.errors.inc({ code: operation.result, source: 'backend' });
    if (target.kind !== 'endpoint' || operation.bytes === 0) return;
    if (operation.verb === 'put') this.uploaded.inc({ endpoint }, operation.bytes);
    else this.downloaded.inc({ endpoint }, operation.bytes);
  }

  /** Where scrapes read the sync state from (the engine's sync service). */
  trackSync(read: () => Promise<SyncSnapshot>): void {
    this.sync.read = read;
  }

  /** Objects a running backup still has to copy to `endpoint` (0 when it ends). */
  setQueueDepth(endpoint: string, objects: number): void {
    this.queueDepth.set({ endpoint }, objects);
  }

  /** The Prometheus text exposition of every metric. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Outputs of commands that read files (add, snapshot) carry what they read and what was new. */
  private countIngest(output: unknown): void {
    if (typeof output !== 'object' || output === null) return;
    const { bytesRead, bytesNew } = output as { bytesRead?: unknown; bytesNew?: unknown };
    if (typeof bytesRead !== 'number' || typeof bytesNew !== 'number' || bytesRead < 0 || bytesNew < 0) return;
    this.ingested.inc(bytesRead);
    this.ingestedNew.inc(bytesNew);
    this.totals.ingested += bytesRead;
    this.totals.ingestedNew += bytesNew;
  }
}

function errorCode(err: unknown): string {
  return err instanceof CairnError ? err.code : 'INTERNAL';
}
