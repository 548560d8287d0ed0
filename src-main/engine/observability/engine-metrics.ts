import type * as PromClient from 'prom-client';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
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
 *
 * prom-client is loaded on first scrape, not at startup: importing it costs every `cairn`
 * command 30-50 ms, while only `cairn serve` ever reads the metrics. Until then updates wait
 * in a queue and are replayed into the registry when it is created; a long-running engine that
 * is never scraped loads it once the queue reaches `maxPendingUpdates`, so the queue stays small.
 */
export class EngineMetrics {
  private instruments: Instruments | null = null;
  private loading: Promise<Instruments> | null = null;
  private pending: Array<(instruments: Instruments) => void> = [];
  private readonly totals: IngestTotals = { ingested: 0, ingestedNew: 0 };
  private readonly sync: SyncSource = { read: async () => null };

  /** Runs one contract command and counts it by result. */
  async observeCommand<T>(command: string, run: () => Promise<T>): Promise<T> {
    const label = command.slice(0, 100);
    const started = performance.now();
    try {
      const output = await run();
      this.update((m) => m.commands.inc({ command: label, result: 'ok' }));
      this.countIngest(output);
      return output;
    } catch (err) {
      const code = errorCode(err);
      this.update((m) => {
        m.commands.inc({ command: label, result: code });
        m.errors.inc({ code, source: 'command' });
      });
      throw err;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      this.update((m) => m.commandSeconds.observe({ command: label }, seconds));
    }
  }

  /** Wraps a backend so its operations are counted (and endpoint bytes measured). */
  instrument(backend: Backend, target: BackendTarget): Backend {
    return new InstrumentedBackend(backend, { onOperation: (operation) => this.recordBackendOperation(target, operation) });
  }

  recordBackendOperation(target: BackendTarget, operation: BackendOperation): void {
    const endpoint = target.kind === 'endpoint' ? target.name : '';
    this.update((m) => {
      m.backendOperations.inc({ target: target.kind, endpoint, verb: operation.verb, result: operation.result });
      if (operation.result !== 'ok') m.errors.inc({ code: operation.result, source: 'backend' });
      if (target.kind !== 'endpoint' || operation.bytes === 0) return;
      if (operation.verb === 'put') m.uploaded.inc({ endpoint }, operation.bytes);
      else m.downloaded.inc({ endpoint }, operation.bytes);
    });
  }

  /** Where scrapes read the sync state from (the engine's sync service). */
  trackSync(read: () => Promise<SyncSnapshot>): void {
    this.sync.read = read;
  }

  /** Objects a running backup still has to copy to `endpoint` (0 when it ends). */
  setQueueDepth(endpoint: string, objects: number): void {
    this.update((m) => m.queueDepth.set({ endpoint }, objects));
  }

  /** The Prometheus text exposition of every metric. */
  async exposition(): Promise<string> {
    return (await this.load()).registry.metrics();
  }

  /** The exposition's content type (prom-client's `Registry.PROMETHEUS_CONTENT_TYPE`; known before it is loaded). */
  get contentType(): string {
    return prometheusContentType;
  }

  /** Outputs of commands that read files (add, snapshot) carry what they read and what was new. */
  private countIngest(output: unknown): void {
    if (typeof output !== 'object' || output === null) return;
    const { bytesRead, bytesNew } = output as { bytesRead?: unknown; bytesNew?: unknown };
    if (typeof bytesRead !== 'number' || typeof bytesNew !== 'number' || bytesRead < 0 || bytesNew < 0) return;
    this.update((m) => {
      m.ingested.inc(bytesRead);
      m.ingestedNew.inc(bytesNew);
    });
    this.totals.ingested += bytesRead;
    this.totals.ingestedNew += bytesNew;
  }

  /** Applies an update now if prom-client is loaded, else queues it for when it is. */
  private update(apply: (instruments: Instruments) => void): void {
    if (this.instruments) return apply(this.instruments);
    this.pending.push(apply);
    // A failed load is reported by exposition(); the updates stay queued meanwhile.
    if (this.pending.length >= maxPendingUpdates) this.load().catch(() => undefined);
  }

  /** Loads prom-client once, creates this engine's registry and replays the queued updates. */
  private load(): Promise<Instruments> {
    this.loading ??= import('prom-client').then((prom) => {
      const instruments = createInstruments(prom, this.totals, this.sync);
      for (const apply of this.pending) apply(instruments);
      this.pending = [];
      this.instruments = instruments;
      return instruments;
    });
    return this.loading;
  }
}

/** Updates queued before prom-client is loaded; past this many it is loaded anyway. */
const maxPendingUpdates = 10_000;

const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';

type IngestTotals = { ingested: number; ingestedNew: number };
type SyncSource = { read: () => Promise<SyncSnapshot> };

/** One engine's registry and the metrics it updates (the collected gauges only need registering). */
interface Instruments {
  readonly registry: Registry;
  readonly commands: Counter<'command' | 'result'>;
  readonly commandSeconds: Histogram<'command'>;
  readonly backendOperations: Counter<'target' | 'endpoint' | 'verb' | 'result'>;
  readonly uploaded: Counter<'endpoint'>;
  readonly downloaded: Counter<'endpoint'>;
  readonly ingested: Counter;
  readonly ingestedNew: Counter;
  readonly errors: Counter<'code' | 'source'>;
  readonly queueDepth: Gauge<'endpoint'>;
}

function createInstruments(prom: typeof PromClient, totals: IngestTotals, sync: SyncSource): Instruments {
  const { Counter, Gauge, Histogram, Registry } = prom;
  const registry = new Registry();
  const registers = [registry];
  const commands = new Counter({ name: 'cairn_commands_total', help: 'Contract commands run, by command and result (ok or error code).', labelNames: ['command', 'result'], registers });
  const commandSeconds = new Histogram({
    name: 'cairn_command_duration_seconds',
    help: 'How long contract commands took.',
    labelNames: ['command'],
    buckets: [0.005, 0.025, 0.1, 0.5, 2, 10, 60, 300],
    registers,
  });
  const backendOperations = new Counter({
    name: 'cairn_backend_operations_total',
    help: 'Storage operations by target (repository or endpoint), verb and result (ok or error code).',
    labelNames: ['target', 'endpoint', 'verb', 'result'],
    registers,
  });
  const uploaded = new Counter({ name: 'cairn_endpoint_uploaded_bytes_total', help: 'Bytes written to each endpoint.', labelNames: ['endpoint'], registers });
  const downloaded = new Counter({ name: 'cairn_endpoint_downloaded_bytes_total', help: 'Bytes read from each endpoint.', labelNames: ['endpoint'], registers });
  const ingested = new Counter({ name: 'cairn_ingested_bytes_total', help: 'Bytes read from files stored as versions or snapshots.', registers });
  const ingestedNew = new Counter({ name: 'cairn_ingested_new_bytes_total', help: 'Of the ingested bytes, those the repository did not already hold.', registers });
  new Gauge({
    name: 'cairn_dedupe_ratio',
    help: 'Share of ingested bytes that were already stored (0 to 1) since the engine started.',
    registers,
    // Computed when scraped, from the running totals.
    collect() {
      this.set(totals.ingested === 0 ? 0 : 1 - totals.ingestedNew / totals.ingested);
    },
  });
  const errors = new Counter({ name: 'cairn_errors_total', help: 'Errors by code and where they surfaced (command or backend).', labelNames: ['code', 'source'], registers });
  // Both sync gauges read the sync state when scraped (one read per scrape, shared); nothing is
  // reported while sync is not set up.
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
  const queueDepth = new Gauge({ name: 'cairn_endpoint_queue_depth', help: 'Objects waiting to be copied by the running backup, per endpoint.', labelNames: ['endpoint'], registers });
  return { registry, commands, commandSeconds, backendOperations, uploaded, downloaded, ingested, ingestedNew, errors, queueDepth };
}

function errorCode(err: unknown): string {
  return err instanceof CairnError ? err.code : 'INTERNAL';
}
