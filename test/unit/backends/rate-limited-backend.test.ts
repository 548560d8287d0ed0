import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../../src-main/engine/backends/local-backend';
import { RateLimitedBackend } from '../../../src-main/engine/backends/rate-limited-backend';
import { TokenBucket } from '../../../src-main/engine/backends/token-bucket';
import { collectKeys, readAll } from './conformance';
import { FakeClock } from './fake-clock';

describe('TokenBucket', () => {
  let clock: FakeClock;

  beforeEach(() => {
    clock = new FakeClock();
  });

  it('lets a burst through at once, then makes takers wait for what they owe', async () => {
    const bucket = new TokenBucket(1000, { clock });
    await bucket.take(1000);
    expect(clock.waits).toEqual([]);
    await bucket.take(500);
    expect(clock.waits).toEqual([500]);
  });

  it('queues concurrent takers in arrival order, each waiting for the bytes ahead of it', async () => {
    clock = new FakeClock({ advanceOnSleep: false });
    const bucket = new TokenBucket(1000, { clock, burstBytes: 1000 });
    await bucket.take(1000);
    const takes = [bucket.take(1000), bucket.take(1000), bucket.take(500)];
    await Promise.all(takes);
    expect(clock.waits).toEqual([1000, 2000, 2500]);
  });

  it('passes a transfer larger than the burst after a proportionate wait', async () => {
    const bucket = new TokenBucket(1000, { clock });
    await bucket.take(3000);
    expect(clock.waits).toEqual([2000]);
  });

  it('refills with time, up to the burst only', async () => {
    const bucket = new TokenBucket(1000, { clock, burstBytes: 1000 });
    await bucket.take(1000);
    clock.advance(400);
    await bucket.take(400);
    expect(clock.waits).toEqual([]);
    clock.advance(60_000);
    await bucket.take(1500);
    expect(clock.waits).toEqual([500]);
  });

  it('never waits at rate 0, and can be changed at run time', async () => {
    const bucket = new TokenBucket(0, { clock });
    await bucket.take(10 ** 12);
    expect(clock.waits).toEqual([]);
    bucket.setRate(100);
    await bucket.take(100);
    await bucket.take(100);
    expect(clock.waits).toEqual([1000]);
    bucket.setRate(0);
    await bucket.take(10 ** 9);
    expect(clock.waits).toEqual([1000]);
    expect(() => bucket.setRate(-1)).toThrow(RangeError);
  });

  it('gives the bytes back when a wait is cancelled', async () => {
    const bucket = new TokenBucket(1000, { clock });
    await bucket.take(1000);
    await expect(bucket.take(5000, AbortSignal.abort())).rejects.toThrow();
    await bucket.take(1000);
    expect(clock.waits).toEqual([1000]);
  });
});

describe('RateLimitedBackend', () => {
  let root: string;
  let clock: FakeClock;
  let local: LocalBackend;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'cairn-rate-'));
    clock = new FakeClock();
    local = new LocalBackend(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('charges a Buffer put whole, before it is written', async () => {
    const backend = new RateLimitedBackend(local, { bytesPerSecond: 1000, clock });
    await backend.put('a', Buffer.alloc(3000, 7));
    expect(clock.waits).toEqual([2000]);
    expect((await local.get('a')).equals(Buffer.alloc(3000, 7))).toBe(true);
  });

  it('paces a stream put chunk by chunk', async () => {
    const backend = new RateLimitedBackend(local, { bytesPerSecond: 1000, clock });
    const chunks = [Buffer.alloc(1000, 1), Buffer.alloc(1000, 2), Buffer.alloc(1000, 3)];
    await backend.put('s', Readable.from(chunks), { contentLength: 3000 });
    expect(clock.waits).toEqual([1000, 1000]);
    expect((await local.get('s')).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('paces a streamed get chunk by chunk', async () => {
    const MiB = 1024 * 1024;
    await local.put('big', Buffer.alloc(3 * MiB, 9));
    const backend = new RateLimitedBackend(local, { bytesPerSecond: MiB, clock });
    expect((await readAll(await backend.getStream('big'))).length).toBe(3 * MiB);
    expect(clock.waits).toEqual([1000, 1000]);
  });

  it('shares one budget between puts and gets, and across backends holding the same bucket', async () => {
    const bucket = new TokenBucket(1000, { clock });
    const first = new RateLimitedBackend(local, { bucket });
    const second = new RateLimitedBackend(local, { bucket });
    await first.put('a', Buffer.alloc(1000));
    await second.get('a', { offset: 0, length: 500 });
    expect(clock.waits).toEqual([500]);
    await first.get('a');
    expect(clock.waits).toEqual([500, 1000]);
  });

  it('does not limit metadata calls, and is unlimited at 0', async () => {
    const backend = new RateLimitedBackend(local, { bytesPerSecond: 0, clock });
    await backend.put('a', Buffer.alloc(10_000_000));
    expect(await backend.head('a')).toMatchObject({ size: 10_000_000 });
    expect(await collectKeys(backend, '')).toEqual(['a']);
    await backend.delete('a');
    expect(clock.waits).toEqual([]);
  });
});
