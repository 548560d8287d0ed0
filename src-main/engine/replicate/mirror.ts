import crypto from 'node:crypto';
import pLimit from 'p-limit';
import { CairnError } from '../../../src-shared/errors';
import { ObjectNotFoundError, type Backend } from '../backends/backend';
import type { EndpointConfig, EndpointStore } from '../endpoints/config';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import { packIdFromKey } from '../repo/blob';
import { rankOf, isRepositoryObject } from './object-order';
import type { ReplicationState } from './replication-state';

export interface MirrorDeps {
  local: () => Backend;
  endpoints: EndpointStore;
  state: ReplicationState;
  backendFor: (endpoint: EndpointConfig) => Backend;
  /** Repository changes (catalogue commits, manifest updates) wake the worker up. */
  events?: EventBus;
  log?: Logger;
  now?: () => number;
  /** Copies in flight per endpoint. Default 2. */
  concurrency?: number;
  /** A full scan of the local repository this often, besides change events. Default 60 s. */
  scanIntervalMs?: number;
  /** Changes within this window are handled by one scan. Default 500 ms. */
  debounceMs?: number;
  /** First wait after a failed copy; doubles per failure up to 10 minutes. Default 5 s. */
  retryBaseMs?: number;
}

export interface MirrorEndpointStatus {
  endpoint: string;
  pendingObjects: number;
  pendingBytes: number;
  /** Objects copied by this engine since it started. */
  copiedObjects: number;
  lastCopiedAt: string | null;
  lastError: string | null;
  /** When a failed endpoint is tried again; null when it is not waiting. */
  retryAt: string | null;
}

interface EndpointProgress {
  copied: number;
  lastCopiedAt: number | null;
  lastError: string | null;
  failures: number;
  retryAt: number | null;
}

const maxRetryMs = 10 * 60 * 1000;
/** Save the outbox and inventory at least this often while copying, so a crash repeats little. */
const saveEveryMs = 2000;

/**
 * Continuous mirroring to the endpoints configured with `mirror: true`, in the engine that owns
 * the repository (the desktop app, `cairn serve`). Each endpoint has a persisted outbox: a scan
 * diffs the local repository's objects against the endpoint's inventory and queues what it
 * lacks; a worker copies the queue with bounded concurrency, packs before the index segments
 * that point into them before manifest objects, and records each copy in the inventory. The
 * outbox survives restarts; a failing endpoint is retried with exponential backoff while the
 * others go on. Nothing is ever deleted on an endpoint.
 */
export class MirrorService {
  private readonly progress = new Map<string, EndpointProgress>();
  /** One pass per endpoint at a time (the background cycle and syncNow never drain together). */
  private readonly passes = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private cycle: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private unsubscribe: (() => void) | null = null;
  private abort = new AbortController();
  private readonly now: () => number;

  constructor(private readonly deps: MirrorDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Starts the background worker (idempotent): a first scan now, then on changes and on a timer. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    this.timer = setInterval(() => this.kick(), this.deps.scanIntervalMs ?? 60_000);
    this.timer.unref();
    this.unsubscribe =
      this.deps.events?.subscribe((event) => {
        if (event === 'catalogue.changed' || event === 'manifest.update') this.notifyChange();
      }) ?? null;
    this.kick();
  }

  /** Something was written to the repository: scan soon (changes close together share a scan). */
  notifyChange(): void {
    if (this.stopped) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.kick();
    }, this.deps.debounceMs ?? 500);
    this.debounce.unref();
  }

  /**
   * Scans and copies until the mirrored endpoints (or the one named) hold everything, ignoring
   * backoff; resolves with their status. Failures are reported in the status, not thrown.
   */
  async syncNow(endpoint?: string): Promise<MirrorEndpointStatus[]> {
    const targets = await this.mirroredEndpoints(endpoint);
    for (const target of targets) await this.mirrorEndpoint(target, { ignoreBackoff: true });
    return this.status(endpoint);
  }

  async status(endpoint?: string): Promise<MirrorEndpointStatus[]> {
    const result: MirrorEndpointStatus[] = [];
    for (const target of await this.mirroredEndpoints(endpoint)) {
      const outbox = await this.deps.state.outbox(target.name);
      const p = this.progressOf(target.name);
      result.push({
        endpoint: target.name,
        pendingObjects: outbox.size,
        pendingBytes: outbox.bytes,
        copiedObjects: p.copied,
        lastCopiedAt: p.lastCopiedAt === null ? null : new Date(p.lastCopiedAt).toISOString(),
        lastError: p.lastError,
        retryAt: p.retryAt === null ? null : new Date(p.retryAt).toISOString(),
      });
    }
    return result;
  }

  /** Stops the worker; a copy in flight is cancelled and stays in the outbox for next time. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.timer = this.debounce = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.abort.abort();
    await this.cycle?.catch(() => undefined);
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.cycle) {
      this.again = true;
      return;
    }
    this.cycle = this.runCycle().finally(() => {
      this.cycle = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async runCycle(): Promise<void> {
    let targets: EndpointConfig[];
    try {
      targets = await this.mirroredEndpoints();
    } catch (err) {
      this.deps.log?.warn(`mirroring: cannot read the endpoint settings: ${message(err)}`, 'mirror');
      return;
    }
    for (const target of targets) {
      if (this.stopped) return;
      await this.mirrorEndpoint(target, { ignoreBackoff: false });
    }
  }

  private async mirroredEndpoints(only?: string): Promise<EndpointConfig[]> {
    if (only !== undefined) {
      const endpoint = await this.deps.endpoints.get(only);
      if (!endpoint.mirror) {
        throw new CairnError('INVALID_INPUT', `Endpoint "${only}" is not mirrored.`, {
          hint: `Turn mirroring on with \`cairn endpoint add ${only} ... --mirror\`, or copy once with \`cairn backup --to ${only}\`.`,
        });
      }
      return [endpoint];
    }
    return (await this.deps.endpoints.list()).filter((e) => e.mirror);
  }

  private progressOf(name: string): EndpointProgress {
    let p = this.progress.get(name);
    if (!p) this.progress.set(name, (p = { copied: 0, lastCopiedAt: null, lastError: null, failures: 0, retryAt: null }));
    return p;
  }

  /** One scan and drain of one endpoint, after any pass already running on it. */
  private mirrorEndpoint(endpoint: EndpointConfig, options: { ignoreBackoff: boolean }): Promise<void> {
    const previous = this.passes.get(endpoint.name) ?? Promise.resolve();
    const pass = previous.then(() => this.mirrorPass(endpoint, options));
    this.passes.set(endpoint.name, pass);
    return pass.finally(() => {
      if (this.passes.get(endpoint.name) === pass) this.passes.delete(endpoint.name);
    });
  }

  /** Scans and drains; a failure schedules a retry and is logged, never thrown. */
  private async mirrorPass(endpoint: EndpointConfig, options: { ignoreBackoff: boolean }): Promise<void> {
    const p = this.progressOf(endpoint.name);
    if (!options.ignoreBackoff && p.retryAt !== null && this.now() < p.retryAt) return;
    const backend = this.deps.backendFor(endpoint);
    try {
      await this.scan(endpoint.name);
      await this.drain(endpoint.name, backend);
      p.failures = 0;
      p.retryAt = null;
      p.lastError = null;
    } catch (err) {
      if (err instanceof CairnError && err.code === 'CANCELLED' && this.stopped) return;
      p.failures++;
      const waitMs = Math.min(maxRetryMs, (this.deps.retryBaseMs ?? 5000) * 2 ** (p.failures - 1));
      p.retryAt = this.now() + waitMs;
      p.lastError = message(err);
      this.deps.log?.warn(`mirroring to ${endpoint.name} failed (${p.lastError}); trying again in ${Math.round(waitMs / 1000)} s`, 'mirror');
      if (!this.stopped) setTimeout(() => this.kick(), waitMs).unref();
    } finally {
      await backend.close?.();
    }
  }

  /** Queues every repository object the endpoint's inventory lacks (or holds at another size). */
  private async scan(name: string): Promise<void> {
    const inventory = await this.deps.state.inventory(name);
    const outbox = await this.deps.state.outbox(name);
    const missing: Array<{ key: string; size: number }> = [];
    for await (const object of this.deps.local().list('', { signal: this.abort.signal })) {
      if (!isRepositoryObject(object.key) || inventory.holds(object.key, object.size) || outbox.has(object.key)) continue;
      missing.push({ key: object.key, size: object.size });
    }
    if (outbox.add(missing) > 0) await outbox.save();
  }

  /** Copies the outbox, one rank at a time so the endpoint is a usable repository throughout. */
  private async drain(name: string, backend: Backend): Promise<void> {
    const inventory = await this.deps.state.inventory(name);
    const outbox = await this.deps.state.outbox(name);
    const p = this.progressOf(name);
    const limit = pLimit(Math.max(1, this.deps.concurrency ?? 2));
    let lastSave = this.now();
    const saveSometimes = async (force: boolean) => {
      if (!force && this.now() - lastSave < saveEveryMs) return;
      lastSave = this.now();
      await inventory.save();
      await outbox.save();
    };
    try {
      const pending = outbox.pending();
      for (let start = 0; start < pending.length; ) {
        const rank = rankOf(pending[start]!.key);
        let end = start;
        while (end < pending.length && rankOf(pending[end]!.key) === rank) end++;
        await Promise.all(
          pending.slice(start, end).map(({ key }) =>
            limit(async () => {
              if (this.abort.signal.aborted) throw new CairnError('CANCELLED', 'Mirroring stopped; the rest stays queued.');
              const size = await this.copyOne(key, backend);
              outbox.remove(key);
              if (size !== null) {
                inventory.recordCopied(key, size, this.now());
                p.copied++;
                p.lastCopiedAt = this.now();
              }
              await saveSometimes(false);
            }),
          ),
        );
        start = end;
      }
    } finally {
      await saveSometimes(true);
    }
  }

  /** Copies one object; null when it is gone locally (garbage-collected since it was queued). */
  private async copyOne(key: string, backend: Backend): Promise<number | null> {
    let body: Buffer;
    try {
      body = await this.deps.local().get(key);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return null;
      throw err;
    }
    const packId = packIdFromKey(key);
    if (packId && crypto.createHash('sha256').update(body).digest('hex') !== packId) {
      throw new CairnError('CORRUPT', `The local copy of ${key} is damaged, so it was not mirrored.`, {
        hint: 'Run `cairn check --read-data`, and `cairn verify --endpoint NAME` to repair it from an endpoint with a good copy.',
      });
    }
    await backend.put(key, body, { signal: this.abort.signal });
    return body.length;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
