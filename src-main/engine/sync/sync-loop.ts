import { PollSchedule } from './poll-schedule';

export interface SyncLoopDeps {
  /** Runs one round; resolves whether it moved anything (upload, download, apply). */
  round: () => Promise<boolean>;
  /** Called with a failed round's error (the loop keeps going). */
  onError: (err: unknown) => void;
  minMs: number;
  maxMs: number;
  now: () => number;
}

/**
 * Runs sync rounds in the background on an adaptive schedule (poll-schedule.ts). Rounds never
 * overlap: a request while one runs makes exactly one more round after it.
 */
export class SyncLoop {
  private readonly schedule: PollSchedule;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private nextAt: number | null = null;

  constructor(private readonly deps: SyncLoopDeps) {
    this.schedule = new PollSchedule(deps.minMs, deps.maxMs);
  }

  get intervalMs(): number {
    return this.schedule.intervalMs;
  }

  get nextRunAt(): number | null {
    return this.nextAt;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.runSoon(0);
  }

  /** A local change: sync at the short interval (unless a round is due sooner anyway). */
  nudge(): void {
    if (this.stopped) return;
    const delay = this.schedule.onLocalChange();
    if (this.nextAt === null || this.nextAt > this.deps.now() + delay) this.runSoon(delay);
  }

  /** Runs a round now (or right after the running one). */
  trigger(): void {
    if (!this.stopped) this.runSoon(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextAt = null;
    await this.running;
  }

  private runSoon(delayMs: number): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.nextAt = this.deps.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.nextAt = null;
      this.running = this.runOnce().finally(() => {
        this.running = null;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.runSoon(0);
        } else this.runSoon(this.schedule.intervalMs);
      });
    }, delayMs);
    this.timer.unref?.();
  }

  private async runOnce(): Promise<void> {
    try {
      this.schedule.afterRound(await this.deps.round());
    } catch (err) {
      this.schedule.afterFailure();
      this.deps.onError(err);
    }
  }
}
