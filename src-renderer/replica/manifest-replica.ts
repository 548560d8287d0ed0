/**
 * Keeps the window's local copy of the catalogue in step with the engine: on every (re)connect it
 * asks `manifest.state` for what the copy lacks (given its state vector), and in between it hands
 * each `manifest.update` event to the replica core (replica-core.ts, in a worker when possible).
 * The core's reports become the replica store, which the Library follows.
 */
import { api, onConnectionState } from '../api/client';
import { describeError } from '../api/errors';
import { clearCatalogueReplica, db, replicaCompleteKey } from '../db/schema';
import { useReplicaStore } from '../state/replica-store';
import type { ReplicaReport } from './replica-core';
import { openReplicaPort, windowPort, type ReplicaPort } from './replica-port';

const rebuiltFlag = 'cairn.replica.rebuilt';

class ManifestReplica {
  private port: ReplicaPort | null = null;
  private readonly stops: (() => void)[] = [];
  private stopped = false;

  async start(): Promise<void> {
    const store = useReplicaStore.getState();
    store.set({ phase: 'loading' });
    const port = await this.openPort();
    if (!port || this.stopped) return;
    this.port = port;
    store.set({ runsIn: port.where });
    this.stops.push(
      api.on('manifest.update', ({ update }) => port.apply(update)),
      onConnectionState((state) => {
        if (state === 'open') void this.handshake(port);
      }),
    );
  }

  stop(): void {
    this.stopped = true;
    for (const stop of this.stops.splice(0)) stop();
    this.port?.close();
    this.port = null;
  }

  /** The worker, or the window when no worker can run here; null when the copy is unreadable. */
  private async openPort(): Promise<ReplicaPort | null> {
    const report = (r: ReplicaReport) => this.onReport(r);
    let port = openReplicaPort(report);
    try {
      await port.load();
      sessionStorage.removeItem(rebuiltFlag);
      return port;
    } catch (err) {
      port.close();
      if (port.where === 'worker') {
        port = windowPort(report);
        try {
          await port.load();
          return port;
        } catch (again) {
          return this.recover(again);
        }
      }
      return this.recover(err);
    }
  }

  /**
   * The local copy is derived data: when it cannot be read, drop it and start again from the
   * engine — once; a second failure in a row is shown, not retried forever.
   */
  private async recover(err: unknown): Promise<null> {
    if (sessionStorage.getItem(rebuiltFlag) === null) {
      sessionStorage.setItem(rebuiltFlag, '1');
      await clearCatalogueReplica().catch(() => undefined);
      window.location.reload();
      return null;
    }
    useReplicaStore.getState().set({ phase: 'error', error: `The local copy could not be read: ${describeError(err)}. Use Settings → Rebuild local copy.` });
    return null;
  }

  /** Asks the engine for what the copy lacks; run whenever the connection (re)opens. */
  private async handshake(port: ReplicaPort): Promise<void> {
    const store = useReplicaStore.getState();
    store.set({ phase: 'syncing' });
    try {
      const { repository } = await api['engine.status']({});
      if (!repository) {
        store.set({ phase: 'no-repository' });
        return;
      }
      if ((await port.adoptRepository(repository.id)) === 'other') {
        // Another repository behind the same address: this copy describes something else.
        this.stop();
        await clearCatalogueReplica();
        window.location.reload();
        return;
      }
      performance.mark('replica-state-asked');
      const { update } = await api['manifest.state']({ stateVector: await port.stateVector() });
      performance.mark('replica-state-received');
      port.apply(update);
      await port.flush();
      await db.meta.put({ key: replicaCompleteKey, value: true });
      performance.mark('replica-state-stored');
      store.set({ phase: 'ready', error: null, lastSyncAt: Date.now() });
    } catch (err) {
      store.set({ phase: 'error', error: `The local copy could not catch up with the engine: ${describeError(err)}` });
    }
  }

  private onReport(report: ReplicaReport): void {
    const store = useReplicaStore.getState();
    store.set({
      artifacts: report.artifacts,
      versions: report.versions,
      malformedRecords: report.malformedRecords,
      ...(report.changed ? { revision: store.revision + 1 } : {}),
      ...(report.error ? { phase: 'error' as const, error: report.error } : {}),
    });
  }
}

let replica: ManifestReplica | null = null;

/** Starts the one replica of this window (idempotent). */
export function startReplica(): () => void {
  if (!replica) {
    replica = new ManifestReplica();
    void replica.start();
  }
  return () => {
    replica?.stop();
    replica = null;
  };
}

/** Settings → Rebuild local copy: the tables are derived, so dropping them loses nothing. */
export async function rebuildLocalCopy(): Promise<void> {
  replica?.stop();
  replica = null;
  await clearCatalogueReplica();
  window.location.reload();
}
