import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CairnError } from '../../../src-shared/errors';
import { ObjectExistsError, ObjectNotFoundError } from '../../../src-main/engine/backends/backend';
import { BackendTimeoutError, BackendUnavailableError, TruncatedBodyError } from '../../../src-main/engine/backends/backend-errors';
import { LocalBackend } from '../../../src-main/engine/backends/local-backend';
import { backoffDelayMs, isRetryable, realSleep, type Sleep } from '../../../src-main/engine/backends/retry-policy';
import { RetryingBackend, type RetryingBackendOptions } from '../../../src-main/engine/backends/retrying-backend';
import { collectKeys, readAll } from './conformance';
import { FlakyBackend } from './flaky-backend';

const unavailable = () => new BackendUnavailableError('http://127.0.0.1:9 answered HTTP 503 SlowDown.');

describe('retry policy', () => {
  it('retries transient failures and nothing else', () => {
    expect(isRetryable(unavailable())).toBe(true);
    expect(isRetryable(new BackendTimeoutError('slow'))).toBe(true);
    expect(isRetryable(new TruncatedBodyError('b', 'k', 1, 2))).toBe(true);
    expect(isRetryable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('boom'), { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('slow'), { name: 'TimeoutError' }))).toBe(true);
    expect(isRetryable(new ObjectNotFoundError('b', 'k'))).toBe(false);
    expect(isRetryable(new ObjectExistsError('b', 'k'))).toBe(false);
    expect(isRetryable(new CairnError('UNAUTHORIZED', 'no'))).toBe(false);
    expect(isRetryable(Object.assign(new Error('missing'), { $metadata: { httpStatusCode: 404 } }))).toBe(false);
    expect(isRetryable(new Error('plain'))).toBe(false);
  });

  it('waits a uniformly random time under a doubling, capped bound (full jitter)', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy, () => 0.5))).toEqual([50, 100, 200, 400, 500, 500]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(30, policy, () => 0.9999)).toBe(999);
  });

  it('cancels a real wait when its signal fires', async () => {
    await expect(realSleep(60_000, AbortSignal.abort())).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('RetryingBackend', () => {
  let root: string;
  let flaky: FlakyBackend;
  let waits: number[];

  const recordingSleep: Sleep = async (ms, signal) => {
    waits.push(ms);
    signal?.throwIfAborted();
  };

  function retrying(options: RetryingBackendOptions = {}): RetryingBackend {
    return new RetryingBackend(flaky, { baseDelayMs: 100, maxDelayMs: 10_000, maxAttempts: 4, sleep: recordingSleep, random: () => 0.5, ...options });
  }

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'cairn-retrying-'));
    flaky = new FlakyBackend(new LocalBackend(root));
    waits = [];
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('retries a transient failure with growing waits, then succeeds', async () => {
    await flaky.inner.put('config', Buffer.from('c'));
    flaky.failNext('get', unavailable(), { times: 2 });
    const retries: number[] = [];
    const backend = retrying({ onRetry: (event) => retries.push(event.failures) });
    expect((await backend.get('config')).toString()).toBe('c');
    expect(flaky.callsOf('get')).toHaveLength(3);
    expect(waits).toEqual([50, 100]);
    expect(retries).toEqual([1, 2]);
  });

  it('gives up after the attempt limit with the last error', async () => {
    flaky.failNext('head', unavailable(), { times: 10 });
    await expect(retrying({ maxAttempts: 3 }).head('config')).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(flaky.callsOf('head')).toHaveLength(3);
    expect(waits).toEqual([50, 100]);
  });

  it.each([
    ['NOT_FOUND', new ObjectNotFoundError('b', 'config')],
    ['UNAUTHORIZED', new CairnError('UNAUTHORIZED', 'Wrong key.')],
    ['ALREADY_EXISTS', new ObjectExistsError('b', 'config')],
  ])('never retries %s', async (_code, error) => {
    flaky.failNext('get', error);
    await expect(retrying().get('config')).rejects.toBe(error);
    expect(flaky.callsOf('get')).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('stops waiting and retrying when the call is cancelled', async () => {
    const controller = new AbortController();
    flaky.failNext('put', unavailable(), { times: 5 });
    const sleep: Sleep = async (ms, signal) => {
      waits.push(ms);
      controller.abort();
      signal?.throwIfAborted();
    };
    const err = await retrying({ sleep }).put('config', Buffer.from('c'), { signal: controller.signal }).catch((e: unknown) => e);
    expect(flaky.callsOf('put')).toHaveLength(1);
    expect(waits).toEqual([50]);
    expect(err).toMatchObject({ code: 'CANCELLED' });
  });

  it('does not start another attempt once the backend-wide signal has fired', async () => {
    const controller = new AbortController();
    flaky.failNext('delete', unavailable(), { times: 5 });
    controller.abort();
    await expect(retrying({ signal: controller.signal }).delete('config')).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(flaky.callsOf('delete')).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('retries a Buffer put but never a stream put', async () => {
    flaky.failNext('put', unavailable());
    await retrying().put('a', Buffer.from('buffer'));
    expect((await flaky.inner.get('a')).toString()).toBe('buffer');
    flaky.failNext('put', unavailable());
    await expect(retrying().put('b', Readable.from([Buffer.from('stream')]))).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(flaky.callsOf('put')).toHaveLength(3);
  });

  it('reports success when a create-only write landed but its response was lost', async () => {
    flaky.failNext('put', unavailable(), { afterWrite: true });
    await expect(retrying().put('keys/master', Buffer.from('ours'), { ifNoneMatch: true })).resolves.toEqual({ size: 4 });
    expect(flaky.callsOf('put')).toHaveLength(2);
  });

  it('still refuses a create-only write when what exists is someone else’s', async () => {
    flaky.failNext('put', unavailable());
    await flaky.inner.put('keys/master', Buffer.from('them'));
    await expect(retrying().put('keys/master', Buffer.from('ours'), { ifNoneMatch: true })).rejects.toBeInstanceOf(ObjectExistsError);
    expect((await flaky.inner.get('keys/master')).toString()).toBe('them');
  });

  it('resumes a listing after the last key it yielded', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `index/dev1/${i}`);
    for (const key of keys) await flaky.inner.put(key, Buffer.from('x'));
    flaky.failNext('list', unavailable(), { after: 3 });
    expect(await collectKeys(retrying(), 'index/')).toEqual(keys);
    expect(flaky.callsOf('list').map((call) => call.startAfter)).toEqual([undefined, 'index/dev1/2']);
  });

  it('resumes a cut stream at the next byte, for a whole object and for a range', async () => {
    const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 256));
    await flaky.inner.put('packs/ab/ab12', body);
    flaky.failNext('getStream', new TruncatedBodyError('b', 'packs/ab/ab12', 1234, 5000), { after: 1234 });
    expect((await readAll(await retrying().getStream('packs/ab/ab12'))).equals(body)).toBe(true);
    expect(flaky.callsOf('getStream').map((call) => call.range)).toEqual([undefined, { offset: 1234, length: 3766 }]);

    flaky.calls.length = 0;
    flaky.failNext('getStream', unavailable(), { after: 100 });
    const part = await readAll(await retrying().getStream('packs/ab/ab12', { offset: 1000, length: 2000 }));
    expect(part.equals(body.subarray(1000, 3000))).toBe(true);
    expect(flaky.callsOf('getStream').map((call) => call.range)).toEqual([
      { offset: 1000, length: 2000 },
      { offset: 1100, length: 1900 },
    ]);
  });

  it('does not resume a stream that fails for good', async () => {
    await flaky.inner.put('packs/ab/ab12', Buffer.alloc(5000));
    flaky.failNext('getStream', new CairnError('CORRUPT', 'bad'), { after: 10 });
    await expect(readAll(await retrying().getStream('packs/ab/ab12'))).rejects.toMatchObject({ code: 'CORRUPT' });
    expect(flaky.callsOf('getStream')).toHaveLength(1);
  });
});
