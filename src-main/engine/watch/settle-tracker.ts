/**
 * Decides when something that changed has stopped changing, so half-written files are never
 * versioned. Per key (a file path or a bundle folder):
 *
 *   - every change event debounces the key: nothing happens until `settleMs` pass without one;
 *   - then the key is probed (stat, or a walk for a bundle) and the signature remembered;
 *   - it is stable when a probe `settleMs` later, with no event in between, gives the same
 *     signature. Both checks matter: events catch writes on filesystems with coarse mtimes
 *     (FAT: 2 s), signatures catch writes whose events were coalesced or lost.
 *
 * A key that keeps changing past `maxSettleMs` is reported (and again every `maxSettleMs`) and
 * still waited for: a file is never versioned while it is being written, and never silently
 * dropped either.
 */

export interface ProbeResult<T> {
  /** Equal signatures on consecutive probes mean "unchanged"; 'missing' is a signature too. */
  signature: string;
  value: T;
}

export interface SettleTrackerOptions<T> {
  settleMs: number;
  maxSettleMs: number;
  probe: (key: string) => Promise<ProbeResult<T>>;
  onSettled: (key: string, value: T) => void;
  onUnsettled: (key: string, waitedMs: number) => void;
  onError: (key: string, err: unknown) => void;
}

interface Pending {
  timer: NodeJS.Timeout | undefined;
  firstEventAt: number;
  lastEventAt: number;
  reportedAt: number;
  signature: string | undefined;
  probing: boolean;
}

export class SettleTracker<T> {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly options: SettleTrackerOptions<T>) {}

  /** Something happened to `key`: (re)start waiting for it to settle. */
  touch(key: string): void {
    const now = performance.now();
    const entry = this.pending.get(key);
    if (entry) {
      entry.lastEventAt = now;
      // The signature taken before this event no longer proves anything.
      entry.signature = undefined;
      if (!entry.timer && !entry.probing) this.arm(key, entry, this.options.settleMs);
      return;
    }
    const created: Pending = { timer: undefined, firstEventAt: now, lastEventAt: now, reportedAt: now, signature: undefined, probing: false };
    this.pending.set(key, created);
    this.arm(key, created, this.options.settleMs);
  }

  has(key: string): boolean {
    return this.pending.has(key);
  }

  get size(): number {
    return this.pending.size;
  }

  cancel(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(key);
  }

  cancelAll(): void {
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
  }

  private arm(key: string, entry: Pending, delayMs: number): void {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => void this.check(key, entry), Math.max(1, delayMs));
  }

  private async check(key: string, entry: Pending): Promise<void> {
    entry.timer = undefined;
    if (this.pending.get(key) !== entry) return;
    this.reportIfTooLong(key, entry);
    const quietFor = performance.now() - entry.lastEventAt;
    if (quietFor < this.options.settleMs) {
      this.arm(key, entry, this.options.settleMs - quietFor);
      return;
    }
    const eventsBefore = entry.lastEventAt;
    entry.probing = true;
    let result: ProbeResult<T>;
    try {
      result = await this.options.probe(key);
    } catch (err) {
      entry.probing = false;
      if (this.pending.get(key) === entry) this.pending.delete(key);
      this.options.onError(key, err);
      return;
    }
    entry.probing = false;
    if (this.pending.get(key) !== entry) return; // cancelled while probing
    if (entry.lastEventAt === eventsBefore && entry.signature === result.signature) {
      this.pending.delete(key);
      try {
        this.options.onSettled(key, result.value);
      } catch (err) {
        this.options.onError(key, err);
      }
      return;
    }
    entry.signature = entry.lastEventAt === eventsBefore ? result.signature : undefined;
    this.arm(key, entry, this.options.settleMs);
  }

  private reportIfTooLong(key: string, entry: Pending): void {
    const now = performance.now();
    if (now - entry.reportedAt < this.options.maxSettleMs) return;
    entry.reportedAt = now;
    this.options.onUnsettled(key, Math.round(now - entry.firstEventAt));
  }
}
