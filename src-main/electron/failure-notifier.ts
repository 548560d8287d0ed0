import { Notification } from 'electron';
import { events, type EventName } from '../../src-shared/contract';

export interface FailureNotifierOptions {
  /** What a click on a notification does (opens the window on the activity feed). */
  onClick: () => void;
  /** At most one notification per this many milliseconds; failures in between are counted. */
  minIntervalMs?: number;
  now?: () => number;
}

/**
 * Tells the person about failures with a native notification: every `engine.log` at level
 * error. A burst of failures (an endpoint down for every file) becomes one notification and a
 * count on the next one, not a wall of them.
 */
export class FailureNotifier {
  private lastShownAt = -Infinity;
  private suppressed = 0;
  private readonly minIntervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: FailureNotifierOptions) {
    this.minIntervalMs = options.minIntervalMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  observe(event: EventName, payload: unknown): void {
    if (event !== 'engine.log') return;
    const parsed = events['engine.log'].payload.safeParse(payload);
    if (!parsed.success || parsed.data.level !== 'error') return;
    if (!Notification.isSupported()) return;
    const at = this.now();
    if (at - this.lastShownAt < this.minIntervalMs) {
      this.suppressed++;
      return;
    }
    const earlier = this.suppressed > 0 ? `\n(${this.suppressed} more since the last notice)` : '';
    this.lastShownAt = at;
    this.suppressed = 0;
    const notification = new Notification({ title: 'Cairn: something failed', body: `${parsed.data.message}${earlier}` });
    notification.on('click', () => this.options.onClick());
    notification.show();
  }
}
