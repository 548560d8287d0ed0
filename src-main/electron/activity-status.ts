import { events, type EventName, type EventPayload } from '../../src-shared/contract';

/** What the tray shows: nothing to do, work in progress, or a failure the person has not seen. */
export type ActivityStatus = 'idle' | 'syncing' | 'error';

export interface ActivitySnapshot {
  status: ActivityStatus;
  /** One line for the tray tooltip. */
  detail: string;
}

export interface ActivityTrackerOptions {
  onChange: (snapshot: ActivitySnapshot) => void;
  /**
   * The contract has no "job finished" event, so a job counts as running until it has reported
   * no progress for this long.
   */
  quietMs?: number;
}

interface RunningJob {
  progress: EventPayload<'job.progress'>;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Derives the app's status from the engine's events: any `job.progress` means busy; an
 * `engine.log` at level error means error, which stays until the person looks (the window is
 * opened) so a failure at night is still visible in the morning.
 */
export class ActivityTracker {
  private readonly jobs = new Map<string, RunningJob>();
  private unseenError: string | null = null;
  private last: ActivitySnapshot = { status: 'idle', detail: 'Cairn: idle' };
  private readonly quietMs: number;

  constructor(private readonly options: ActivityTrackerOptions) {
    this.quietMs = options.quietMs ?? 3000;
  }

  get snapshot(): ActivitySnapshot {
    return this.last;
  }

  /** Feed every engine event here (it ignores the ones that say nothing about activity). */
  observe(event: EventName, payload: unknown): void {
    if (event === 'job.progress') {
      const parsed = events['job.progress'].payload.safeParse(payload);
      if (parsed.success) this.jobProgressed(parsed.data);
    } else if (event === 'engine.log') {
      const parsed = events['engine.log'].payload.safeParse(payload);
      if (parsed.success && parsed.data.level === 'error') {
        this.unseenError = parsed.data.message;
        this.publish();
      }
    }
  }

  /** The person has seen the failure (opened the window, where the activity feed shows it). */
  acknowledgeError(): void {
    if (this.unseenError === null) return;
    this.unseenError = null;
    this.publish();
  }

  dispose(): void {
    for (const job of this.jobs.values()) clearTimeout(job.timer);
    this.jobs.clear();
  }

  private jobProgressed(progress: EventPayload<'job.progress'>): void {
    const previous = this.jobs.get(progress.jobId);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => {
      this.jobs.delete(progress.jobId);
      this.publish();
    }, this.quietMs);
    timer.unref?.();
    this.jobs.set(progress.jobId, { progress, timer });
    this.publish();
  }

  private compute(): ActivitySnapshot {
    if (this.unseenError !== null) return { status: 'error', detail: `Cairn: error: ${truncate(this.unseenError, 100)}` };
    const running = [...this.jobs.values()].map((job) => job.progress);
    const latest = running.at(-1);
    if (!latest) return { status: 'idle', detail: 'Cairn: idle' };
    // No counts here: progress arrives per file, and the tooltip should change per phase.
    const more = running.length > 1 ? ` (+${running.length - 1} more)` : '';
    return { status: 'syncing', detail: `Cairn: ${latest.kind}, ${latest.phase}${more}` };
  }

  private publish(): void {
    const next = this.compute();
    if (next.status === this.last.status && next.detail === this.last.detail) return;
    this.last = next;
    this.options.onChange(next);
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
