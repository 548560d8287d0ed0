import { describe, expect, it } from 'vitest';
import { PollSchedule } from '../../../src-main/engine/sync/poll-schedule';
import { SyncLoop } from '../../../src-main/engine/sync/sync-loop';

describe('PollSchedule', () => {
  it('polls soon after activity, doubles while idle up to the idle interval, and comes back on a local change', () => {
    const schedule = new PollSchedule(2_000, 60_000);
    expect(schedule.intervalMs).toBe(2_000);
    const idle = Array.from({ length: 7 }, () => schedule.afterRound(false));
    expect(idle).toEqual([4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(schedule.afterRound(true)).toBe(2_000);
    schedule.afterFailure();
    schedule.afterFailure();
    expect(schedule.intervalMs).toBe(8_000);
    expect(schedule.onLocalChange()).toBe(2_000);
  });
});

describe('SyncLoop', () => {
  it('runs rounds one at a time until stopped, and a trigger during a round makes one more', async () => {
    let running = 0;
    let overlapped = false;
    let rounds = 0;
    let release: () => void = () => {};
    const gate = () => new Promise<void>((resolve) => (release = resolve));
    let blocked = gate();
    const loop = new SyncLoop({
      minMs: 1,
      maxMs: 2,
      now: Date.now,
      onError: () => {},
      round: async () => {
        running += 1;
        overlapped ||= running > 1;
        rounds += 1;
        if (rounds === 1) await blocked;
        running -= 1;
        return false;
      },
    });
    loop.start();
    while (rounds < 1) await new Promise((resolve) => setTimeout(resolve, 1));
    loop.trigger();
    loop.trigger();
    expect(loop.busy).toBe(true);
    release();
    while (rounds < 4) await new Promise((resolve) => setTimeout(resolve, 1));
    await loop.stop();
    const after = rounds;
    blocked = gate();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(rounds).toBe(after);
    expect(overlapped).toBe(false);
  });

  it('keeps going after a failed round and reports the error', async () => {
    const errors: unknown[] = [];
    let rounds = 0;
    const loop = new SyncLoop({
      minMs: 1,
      maxMs: 2,
      now: Date.now,
      onError: (err) => errors.push(err),
      round: async () => {
        rounds += 1;
        if (rounds === 1) throw new Error('bucket unreachable');
        return true;
      },
    });
    loop.start();
    while (rounds < 3) await new Promise((resolve) => setTimeout(resolve, 1));
    await loop.stop();
    expect(errors).toHaveLength(1);
  });
});
