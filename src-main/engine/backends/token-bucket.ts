import { realSleep, type Sleep } from './retry-policy';

/** Time as the bucket sees it; injected in tests so waits are computed, not slept. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep: Sleep;
}

export const realClock: Clock = { now: () => performance.now(), sleep: realSleep };

export interface TokenBucketOptions {
  /** Bytes that may pass at once after a quiet spell. Default: one second's worth. */
  burstBytes?: number;
  clock?: Clock;
}

/**
 * A token bucket in bytes per second, shared by every transfer that holds it. A taker may run
 * into debt: it takes what it needs at once and waits until the bucket is back at zero. So
 * concurrent takers queue in arrival order, each waiting for the bytes ahead of it and its own,
 * and a transfer larger than the burst still passes (after a proportionate wait).
 * A rate of 0 means unlimited.
 */
export class TokenBucket {
  private rate: number;
  private burst: number;
  private readonly clock: Clock;
  private readonly fixedBurst: number | undefined;
  private tokens: number;
  private last: number;

  constructor(bytesPerSecond: number, options: TokenBucketOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.fixedBurst = options.burstBytes;
    this.last = this.clock.now();
    this.rate = 0;
    this.burst = 1;
    this.tokens = 0;
    this.setRate(bytesPerSecond);
  }

  get bytesPerSecond(): number {
    return this.rate;
  }

  /** Changes the rate from now on (a settings change); 0 lifts the limit. */
  setRate(bytesPerSecond: number): void {
    if (!Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) throw new RangeError(`A rate limit must be >= 0 bytes/s (got ${bytesPerSecond}).`);
    this.refill();
    const wasUnlimited = this.rate === 0;
    this.rate = bytesPerSecond;
    this.burst = Math.max(1, this.fixedBurst ?? bytesPerSecond);
    // Leaving "unlimited" starts with a full bucket; otherwise keep what is left (or owed).
    this.tokens = wasUnlimited ? this.burst : Math.min(this.tokens, this.burst);
  }

  /** Resolves when `bytes` may pass; rejects (and gives the bytes back) if `signal` fires. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.rate === 0 || bytes <= 0) return;
    this.refill();
    this.tokens -= bytes;
    if (this.tokens >= 0) return;
    const waitMs = Math.ceil((-this.tokens / this.rate) * 1000);
    try {
      await this.clock.sleep(waitMs, signal);
    } catch (err) {
      this.tokens += bytes;
      throw err;
    }
  }

  private refill(): void {
    const now = this.clock.now();
    if (this.rate > 0) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
  }
}
