import type { Clock } from '../../../src-main/engine/backends/token-bucket';

/**
 * A clock that never sleeps: it records each requested wait and, by default, jumps ahead by it
 * (right for one taker at a time). For concurrent takers, `advanceOnSleep: false` keeps time
 * still so every wait is computed from the same instant.
 */
export class FakeClock implements Clock {
  time = 0;
  readonly waits: number[] = [];

  constructor(private readonly options: { advanceOnSleep?: boolean } = {}) {}

  now = (): number => this.time;

  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    signal?.throwIfAborted();
    this.waits.push(ms);
    if (this.options.advanceOnSleep ?? true) this.time += ms;
  };

  advance(ms: number): void {
    this.time += ms;
  }
}
