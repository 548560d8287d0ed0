import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ObjectExistsError } from '../../../src-main/engine/backends/backend';
import { TruncatedBodyError } from '../../../src-main/engine/backends/backend-errors';
import { RetryingBackend } from '../../../src-main/engine/backends/retrying-backend';
import { S3Backend, type S3BackendOptions } from '../../../src-main/engine/backends/s3-backend';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy';
import { startS3rver, type S3rverInstance } from '../../helpers/s3rver';
import { collectKeys } from './conformance';

let server: S3rverInstance;
let proxy: FaultProxy | undefined;
let bucketCount = 0;

beforeAll(async () => {
  server = await startS3rver();
});

afterAll(async () => {
  await server?.stop();
});

afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

async function freshBucket(): Promise<string> {
  const bucket = `faults-${++bucketCount}`;
  await server.createBucket(bucket);
  return bucket;
}

function s3(endpoint: string, bucket: string, extra: Partial<S3BackendOptions> = {}): S3Backend {
  return new S3Backend({ endpoint, region: 'us-east-1', bucket, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', ...extra });
}

describe('S3Backend behind a faulty network', () => {
  it('round-trips 50 objects through RetryingBackend with 20% of requests failing', async () => {
    proxy = await startFaultProxy({ target: server.endpoint, seed: 20260101, rate: 0.2, slowMs: 20 });
    const bucket = await freshBucket();
    const retried: string[] = [];
    const backend = new RetryingBackend(s3(proxy.endpoint, bucket), {
      maxAttempts: 12,
      sleep: async () => undefined,
      onRetry: (event) => retried.push(`${event.verb} ${(event.error as Error).name}`),
    });
    const objects = Array.from({ length: 50 }, (_, i) => ({ key: `packs/${String(i % 7).padStart(2, '0')}/object-${i}`, body: randomBytes(1000 + i * 997) }));

    for (const { key, body } of objects) await backend.put(key, body, { ifNoneMatch: i(key) % 2 === 0 });
    for (const { key, body } of objects) expect((await backend.get(key)).equals(body)).toBe(true);
    for (const { key, body } of objects.slice(0, 10)) expect((await backend.get(key, { offset: 100, length: 500 })).equals(body.subarray(100, 600))).toBe(true);
    expect(await collectKeys(backend, 'packs/')).toEqual(objects.map((o) => o.key).sort());

    const faults = proxy.counts;
    for (const kind of ['refuse', 'error500', 'error503', 'cutBody', 'wrongEtag', 'slow'] as const) expect(faults[kind]).toBeGreaterThan(0);
    expect(retried.length).toBe(faults.refuse + faults.error500 + faults.error503 + faults.cutBody);
    expect((await collectKeys(s3(server.endpoint, bucket), '')).length).toBe(50);
  });

  it('reports a body cut mid-transfer as a retryable TruncatedBodyError', async () => {
    const bucket = await freshBucket();
    const body = randomBytes(300_000);
    await s3(server.endpoint, bucket).put('packs/ab/cut', body);
    proxy = await startFaultProxy({ target: server.endpoint, rate: 1, kinds: ['cutBody'] });
    const backend = s3(proxy.endpoint, bucket);
    await expect(backend.get('packs/ab/cut')).rejects.toBeInstanceOf(TruncatedBodyError);
    const stream = await backend.getStream('packs/ab/cut');
    await expect(collectStream(stream)).rejects.toBeInstanceOf(TruncatedBodyError);
  });

  it('falls back to check-then-write once the server refuses conditional PUT with 501', async () => {
    proxy = await startFaultProxy({ target: server.endpoint, rejectConditionalPut: true });
    const backend = s3(proxy.endpoint, await freshBucket());
    await backend.put('keys/master', Buffer.from('first'), { ifNoneMatch: true });
    await expect(backend.put('keys/master', Buffer.from('second'), { ifNoneMatch: true })).rejects.toBeInstanceOf(ObjectExistsError);
    await backend.put('keys/other', Buffer.from('other'), { ifNoneMatch: true });
    expect((await backend.get('keys/master')).toString()).toBe('first');
    expect(proxy.counts.conditionalPutRefused).toBe(1);
  });
});

describe('S3Backend error messages from real S3 error answers', () => {
  it.each(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch'])('maps %s to UNAUTHORIZED naming the endpoint', async (code) => {
    proxy = await startFaultProxy({ target: server.endpoint });
    proxy.answerEverythingWith({ status: 403, code });
    const err = (await s3(proxy.endpoint, 'vault').get('config').catch((e: unknown) => e)) as { code: string; message: string; hint: string };
    expect(err).toMatchObject({ code: 'UNAUTHORIZED', name: 'EndpointUnauthorizedError' });
    expect(err.message).toBe(`${proxy.endpoint} refused access to bucket "vault" (${code}).`);
    expect(err.hint).toMatch(/access key ID and secret access key/);
    await expect(collectKeys(s3(proxy.endpoint, 'vault'), '')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(s3(proxy.endpoint, 'vault').head('config')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('maps RequestTimeTooSkewed to a clock message', async () => {
    proxy = await startFaultProxy({ target: server.endpoint });
    proxy.answerEverythingWith({ status: 403, code: 'RequestTimeTooSkewed' });
    await expect(s3(proxy.endpoint, 'vault').put('config', Buffer.from('x'))).rejects.toMatchObject({
      name: 'ClockSkewError',
      message: expect.stringContaining("this computer's clock"),
    });
  });

  it('maps 5xx answers to UNAVAILABLE naming the endpoint and status', async () => {
    proxy = await startFaultProxy({ target: server.endpoint });
    proxy.answerEverythingWith({ status: 503, code: 'SlowDown' });
    await expect(s3(proxy.endpoint, 'vault').get('config')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: `${proxy.endpoint} answered HTTP 503 SlowDown to read "config".`,
    });
  });
});

function i(key: string): number {
  return Number(key.slice(key.lastIndexOf('-') + 1));
}

async function collectStream(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _chunk of stream) {
    // drain
  }
}
