import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Backend, type S3BackendOptions } from '../../../src-main/engine/backends/s3-backend';
import { startS3rver, type S3rverInstance } from '../../helpers/s3rver';
import { collectKeys, runBackendConformance } from './conformance';

let server: S3rverInstance;
let bucketCount = 0;

beforeAll(async () => {
  server = await startS3rver();
});

afterAll(async () => {
  await server?.stop();
});

function options(bucket: string, extra: Partial<S3BackendOptions> = {}): S3BackendOptions {
  return { endpoint: server.endpoint, region: 'us-east-1', bucket, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', ...extra };
}

async function freshBucket(): Promise<string> {
  const bucket = `cairn-test-${++bucketCount}`;
  await server.createBucket(bucket);
  return bucket;
}

/** What s3rver 3.x cannot do, so those conformance cases are skipped against it (real S3 does them). */
const s3rverLimits = {
  atomicReplace: 's3rver rewrites an object file in place, so a reader can see a partial replacement',
  byteOrderAcrossFolders: 's3rver lists in folder-walk order (a/b before a-c), not byte order',
};

runBackendConformance(
  'S3Backend (s3rver, bucket root)',
  async () => {
    const backend = new S3Backend(options(await freshBucket(), { listPageSize: 1000 }));
    return { backend, cleanup: () => backend.close() };
  },
  { unsupported: { ...s3rverLimits, createOnly: 's3rver ignores If-None-Match, so a second create silently replaces the first' } },
);

runBackendConformance(
  'S3Backend (s3rver, under a prefix, multipart from 5 MiB, check-first create-only)',
  async () => {
    const bucket = await freshBucket();
    // Neighbours that share the bucket and a string prefix must never show through.
    const neighbour = new S3Backend(options(bucket, { prefix: 'cairn/repo-x' }));
    await neighbour.put('config', Buffer.from('not ours'));
    await new S3Backend(options(bucket, { prefix: 'cairn' })).put('config', Buffer.from('not ours either'));
    const backend = new S3Backend(
      options(bucket, { prefix: '/cairn/repo/', singlePutMaxBytes: 5 * 1024 * 1024, partSizeBytes: 5 * 1024 * 1024, createOnly: 'check-first', listPageSize: 300 }),
    );
    return {
      backend,
      cleanup: async () => {
        expect(await collectKeys(neighbour, '')).toEqual(['config']);
        await neighbour.close();
        await backend.close();
      },
    };
  },
  {
    unsupported: {
      ...s3rverLimits,
      concurrentCreateOnly: 'check-first (HEAD then PUT) cannot make concurrent creates exclusive; that race is documented',
    },
  },
);

describe('S3Backend errors', () => {
  it('names the bucket when it does not exist', async () => {
    const backend = new S3Backend(options('no-such-bucket'));
    await expect(backend.put('config', Buffer.from('x'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `Bucket "no-such-bucket" does not exist at ${server.endpoint}.`,
    });
    await expect(collectKeys(backend, '')).rejects.toMatchObject({ code: 'NOT_FOUND', name: 'BucketNotFoundError' });
  });

  it('names the endpoint URL when nothing listens there', async () => {
    const closed = await closedPortEndpoint();
    const backend = new S3Backend({ ...options('any'), endpoint: closed });
    const err = await backend.get('config').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining(closed) });
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('closes cleanly before any request (the client is only created on first use)', async () => {
    const backend = new S3Backend(options('unused'));
    await expect(backend.close()).resolves.toBeUndefined();
  });

  it('creates one client for concurrent first requests and destroys it on close', async () => {
    const backend = new S3Backend(options(await freshBucket()));
    await Promise.all([backend.put('a', Buffer.from('a')), backend.put('b', Buffer.from('b')), backend.head('c')]);
    expect(await collectKeys(backend, '')).toEqual(['a', 'b']);
    await backend.close();
  });

  it('shows the name with bucket and prefix', () => {
    expect(new S3Backend(options('b', { prefix: 'x/y/' })).name).toBe('s3:b/x/y');
    expect(new S3Backend(options('b')).name).toBe('s3:b');
  });

  it('refuses a prefix with empty or dot segments, and an empty bucket', () => {
    expect(() => new S3Backend(options('b', { prefix: 'a//b' }))).toThrow(/prefix/);
    expect(() => new S3Backend(options('b', { prefix: 'a/../b' }))).toThrow(/prefix/);
    expect(() => new S3Backend(options(''))).toThrow(/bucket/);
  });
});

/** An endpoint URL on loopback where no server listens (a port we bound and released). */
async function closedPortEndpoint(): Promise<string> {
  const net = await import('node:net');
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
