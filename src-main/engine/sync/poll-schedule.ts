/**
 * When the next sync round runs: soon after anything happened (a local change, or a round that
 * moved data either way), then ever less often while nothing happens, doubling up to the idle
 * interval. Pure: the loop asks it, tests drive it.
 */
export class PollSchedule {
  private interval: number;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {
    this.interval = minMs;
  }

  get intervalMs(): number {
    return this.interval;
  }

  /** After a round: back to the short interval when it moved anything, else twice as long. */
  afterRound(activity: boolean): number {
    this.interval = activity ? this.minMs : Math.min(this.maxMs, this.interval * 2);
    return this.interval;
  }

  /** After a failed round: as if idle (do not hammer an endpoint that is down). */
  afterFailure(): number {
    return this.afterRound(false);
  }

  /** Something changed locally: the next round comes soon. */
  onLocalChange(): number {
    this.interval = this.minMs;
    return this.interval;
  }
}
