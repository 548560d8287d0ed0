import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chunker } from '../../../src-main/engine/chunking/fastcdc';
import type { ChunkerParams } from '../../../src-main/engine/chunking/params';
import { decompressBlob, prepareZstd } from '../../../src-main/engine/compression/zstd';
import { open } from '../../../src-main/engine/crypto/aead';
import { deriveRepoKeys, plainRepoKeys, type RepoKeys } from '../../../src-main/engine/crypto/repo-keys';
import { chunkId } from '../../../src-main/engine/hashing/chunk-id';
import {
  FileChangedError,
  FileNotFoundError,
  FilePermissionError,
  IngestCancelledError,
  NotAFileError,
  fileErrorFromFs,
} from '../../../src-main/engine/workers/ingest-errors';
import { IngestPool, type FileResult, type StoredChunk } from '../../../src-main/engine/workers/ingest-pool';
import { PoolClosedError } from '../../../src-main/engine/workers/pool-errors';

const dir = mkdtempSync(join(tmpdir(), 'cairn-ingest-'));
const params: ChunkerParams = { minSize: 64 * 1024, avgSize: 256 * 1024, maxSize: 1024 * 1024 };
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

const bigData = randomBytes(30 * 1024 * 1024);
const bigPath = join(dir, 'big.bin');
writeFileSync(bigPath, bigData);

beforeAll(() => prepareZstd());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function plainOf(keys: RepoKeys, chunk: StoredChunk): Buffer {
  let body: Uint8Array = keys.blobKey ? open(keys.blobKey, chunk.stored) : chunk.stored;
  if (chunk.compressed) body = decompressBlob(body, chunk.plainLength);
  return Buffer.from(body);
}

/** Ingests a file, collecting its chunks, and checks everything the result promises. */
async function ingestAndVerify(pool: IngestPool, keys: RepoKeys, path: string, data: Buffer, sizeHint?: number): Promise<{ result: FileResult; chunks: StoredChunk[] }> {
  const chunks: StoredChunk[] = [];
  // chunk.stored is borrowed until onChunk settles (it may be shared memory the worker reuses).
  const result = await pool.ingestFile(path, { sizeHint, onChunk: (chunk) => void chunks.push({ ...chunk, stored: Buffer.from(chunk.stored) }) });
  expect(result.path).toBe(path);
  expect(result.sha256).toBe(sha256(data));
  expect(result.size).toBe(data.length);
  expect(chunks.map((chunk) => chunk.index)).toEqual(chunks.map((_, index) => index));
  const plains = chunks.map((chunk) => plainOf(keys, chunk));
  expect(Buffer.concat(plains).equals(data)).toBe(true);
  expect(result.chunks).toEqual(plains.map((plain) => ({ id: chunkId(keys.chunkIdKey, plain), length: plain.length })));
  expect(chunks.map((chunk) => chunk.id)).toEqual(result.chunks.map((chunk) => chunk.id));
  expect(chunks.map((chunk) => chunk.plainLength)).toEqual(result.chunks.map((chunk) => chunk.length));
  return { result, chunks };
}

const encryptedKeys = deriveRepoKeys(randomBytes(64));
const plainKeys = plainRepoKeys({ macKey: randomBytes(32), chunkerSeed: randomBytes(32) });

describe.each([
  ['encrypted', encryptedKeys, true],
  ['unencrypted', plainKeys, true],
  ['encrypted without sealer threads', encryptedKeys, false],
  ['unencrypted without sealer threads', plainKeys, false],
])('IngestPool, %s repository', (_name, keys, sealerThreads) => {
  let pool: IngestPool;
  beforeAll(async () => {
    pool = await IngestPool.create({ keys, chunker: params, compression: true, size: 2, sealerThreads });
  });
  afterAll(() => pool.close());

  it('ingests a 30 MiB file: digest, chunk ids, stored bytes and boundaries', async () => {
    const { result, chunks } = await ingestAndVerify(pool, keys, bigPath, bigData);
    const expectedCuts: number[] = [];
    const chunker = new Chunker(params, keys.chunkerSeed);
    for (let start = 0; start < bigData.length; ) start += expectedCuts[expectedCuts.push(chunker.cut(bigData, start, bigData.length, true)) - 1]!;
    expect(result.chunks.map((chunk) => chunk.length)).toEqual(expectedCuts);
    expect(result.knownChunks).toBe(0);
    for (const chunk of chunks) {
      expect(chunk.compressed).toBe(false);
      expect(chunk.stored.length).toBe(chunk.plainLength + (keys.blobKey ? 28 : 0));
    }
  });

  it('compresses chunks that shrink', async () => {
    let text = '';
    for (let i = 0; text.length < 3 * 1024 * 1024; i++) text += `record ${i}: status=ok, size=${i * 7}\n`;
    const data = Buffer.concat([Buffer.from(text), randomBytes(2 * 1024 * 1024)]);
    const path = join(dir, 'mixed.txt');
    writeFileSync(path, data);
    const { chunks } = await ingestAndVerify(pool, keys, path, data);
    expect(chunks.some((chunk) => chunk.compressed)).toBe(true);
    expect(chunks.some((chunk) => !chunk.compressed)).toBe(true);
  });

  it('ingests several files at once on all workers', async () => {
    const files = [0, 1, 2, 3].map((n) => {
      const data = randomBytes(3 * 1024 * 1024 + n * 1000);
      const path = join(dir, `several-${n}.bin`);
      writeFileSync(path, data);
      return { path, data };
    });
    await Promise.all(files.map((file) => ingestAndVerify(pool, keys, file.path, file.data)));
  });

  it('batches small files, each with its own result', async () => {
    const folder = join(dir, `small-${_name}`);
    mkdirSync(folder);
    const files = Array.from({ length: 300 }, (_, n) => {
      const data = n % 3 === 0 ? Buffer.from(`small file ${n} `.repeat(n + 1)) : randomBytes(1 + ((n * 997) % (40 * 1024)));
      const path = join(folder, `f${n}`);
      writeFileSync(path, data);
      return { path, data };
    });
    const empty = join(folder, 'empty');
    writeFileSync(empty, '');
    await Promise.all([
      ...files.map((file) => ingestAndVerify(pool, keys, file.path, file.data, file.data.length)),
      expect(pool.ingestFile(join(folder, 'missing'), { sizeHint: 10 })).rejects.toBeInstanceOf(FileNotFoundError),
      ingestAndVerify(pool, keys, empty, Buffer.alloc(0), 0).then(({ result }) => expect(result.chunks).toEqual([])),
    ]);
  });

  it('takes the large path for a file that outgrew its size hint', async () => {
    const data = randomBytes(3 * 1024 * 1024);
    const path = join(dir, 'outgrown.bin');
    writeFileSync(path, data);
    const { result } = await ingestAndVerify(pool, keys, path, data, 100);
    expect(result.chunks.length).toBeGreaterThan(1);
  });
});

describe('IngestPool behaviour', () => {
  const keys = deriveRepoKeys(randomBytes(64));
  let pool: IngestPool;
  beforeAll(async () => {
    // A small in-flight limit: the worker must wait for onChunk, which the tests rely on.
    pool = await IngestPool.create({ keys, chunker: params, compression: false, size: 2, maxInFlightBytes: 512 * 1024 });
  });
  afterAll(() => pool.close());

  it('reports a file that grows while it is read as FileChangedError (and waits for onChunk)', async () => {
    // Larger than what the worker may read ahead of onChunk: the in-flight limit plus its ring
    // of three 8 MiB read blocks. So it is still reading when the first chunk arrives here.
    const path = join(dir, 'growing.bin');
    writeFileSync(path, randomBytes(48 * 1024 * 1024));
    const error = await pool
      .ingestFile(path, {
        onChunk: (chunk) => {
          if (chunk.index === 0) appendFileSync(path, 'more bytes');
        },
      })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(FileChangedError);
    expect(error).toMatchObject({ code: 'CONFLICT', message: `The file "${path}" changed while it was being read.` });
  });

  it('delivers every byte intact when the main thread is slower than the workers (stored ring full)', async () => {
    // 80 MiB is several times the worker's stored ring, so with a slow onChunk the sealer waits
    // for room again and again; small chunks leave some unsent in the worker's outbox then,
    // which must go out first or nothing is ever released (a hang this test once caught).
    const wide = await IngestPool.create({ keys, chunker: params, compression: false, size: 1, maxInFlightBytes: 64 * 1024 * 1024 });
    try {
      const data = randomBytes(80 * 1024 * 1024);
      const path = join(dir, 'slow-consumer.bin');
      writeFileSync(path, data);
      const plains: Buffer[] = [];
      const result = await wide.ingestFile(path, {
        onChunk: async (chunk) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          plains.push(plainOf(keys, chunk));
        },
      });
      expect(result.sha256).toBe(sha256(data));
      expect(Buffer.concat(plains).equals(data)).toBe(true);
    } finally {
      await wide.close();
    }
  });

  it('ingests a small file whose size hint is stale', async () => {
    const path = join(dir, 'small-stale.bin');
    writeFileSync(path, randomBytes(1000));
    appendFileSync(path, randomBytes(100));
    const result = await pool.ingestFile(path, { sizeHint: 1000 });
    expect(result.size).toBe(1100);
  });

  it('names the path in typed errors for missing files, folders and unreadable files', async () => {
    for (const sizeHint of [undefined, 10]) {
      const missing = join(dir, 'no-such-file');
      const notFound = await pool.ingestFile(missing, { sizeHint }).catch((err: unknown) => err);
      expect(notFound).toBeInstanceOf(FileNotFoundError);
      expect(notFound).toMatchObject({ code: 'NOT_FOUND', message: `The file "${missing}" was not found.` });
      await expect(pool.ingestFile(dir, { sizeHint })).rejects.toBeInstanceOf(NotAFileError);
    }
    const denied = fileErrorFromFs('/x/secret', Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
    expect(denied).toBeInstanceOf(FilePermissionError);
    expect(denied).toMatchObject({ code: 'PERMISSION_DENIED', message: 'The file "/x/secret" cannot be read: permission denied.' });
    expect(fileErrorFromFs('/x/y', Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }))).toMatchObject({ code: 'IO' });
  });

  it.skipIf(process.getuid?.() === 0)('refuses an unreadable file with PERMISSION_DENIED', async () => {
    const { chmodSync } = await import('node:fs');
    const path = join(dir, 'locked.bin');
    writeFileSync(path, 'secret');
    chmodSync(path, 0o000);
    await expect(pool.ingestFile(path)).rejects.toBeInstanceOf(FilePermissionError);
    await expect(pool.ingestFile(path, { sizeHint: 6 })).rejects.toBeInstanceOf(FilePermissionError);
  });

  it.each([true, false])('skips compression, sealing and delivery of chunks the caller already has (sealer threads: %s)', async (sealerThreads) => {
    const pool = await IngestPool.create({ keys, chunker: params, compression: false, size: 1, sealerThreads, maxInFlightBytes: 512 * 1024 });
    const first = await pool.ingestFile(bigPath);
    const known = new Set(first.chunks.filter((_, index) => index % 2 === 0).map((chunk) => chunk.id));
    const delivered: number[] = [];
    const second = await pool.ingestFile(bigPath, { isKnown: (id) => known.has(id), onChunk: (chunk) => void delivered.push(chunk.index) });
    expect(second.chunks).toEqual(first.chunks);
    expect(second.knownChunks).toBe(known.size);
    expect(delivered).toEqual(first.chunks.map((_, index) => index).filter((index) => index % 2 === 1));
    const third = await pool.ingestFile(bigPath, { isKnown: () => true, onChunk: () => expect.unreachable() });
    expect(third.knownChunks).toBe(first.chunks.length);
    expect(third.sha256).toBe(sha256(bigData));
    await pool.close();
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const error = await pool
      .ingestFile(bigPath, {
        signal: controller.signal,
        onChunk: (chunk) => {
          if (chunk.index === 1) controller.abort();
        },
      })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(IngestCancelledError);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    await expect(pool.ingestFile(bigPath, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(IngestCancelledError);
  });

  it('cancels one file of a batch without disturbing the others', async () => {
    const paths = Array.from({ length: 20 }, (_, n) => {
      const path = join(dir, `batch-cancel-${n}`);
      writeFileSync(path, `file ${n}`);
      return path;
    });
    const controller = new AbortController();
    const results = paths.map((path, n) => pool.ingestFile(path, { sizeHint: 8, signal: n === 7 ? controller.signal : undefined }));
    controller.abort();
    const settled = await Promise.allSettled(results);
    expect(settled.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(19);
    expect(settled[7]).toMatchObject({ status: 'rejected', reason: expect.any(IngestCancelledError) });
  });

  it('cancels a file of a batch that a worker is already working on', async () => {
    // 8 KiB files and a 512 KiB in-flight limit: the worker waits for onChunk after ~64 files,
    // so the cancellation sent from the batch's first onChunk reaches it before file 200.
    const paths = Array.from({ length: 258 }, (_, n) => {
      const path = join(dir, `batch-running-${n}`);
      writeFileSync(path, randomBytes(8 * 1024));
      return path;
    });
    const controller = new AbortController();
    const results = paths.map((path, n) =>
      pool.ingestFile(path, {
        sizeHint: 8 * 1024,
        signal: n === 200 ? controller.signal : undefined,
        onChunk: () => {
          if (n === 2) controller.abort();
        },
      }),
    );
    const settled = await Promise.allSettled(results);
    expect(settled[200]).toMatchObject({ status: 'rejected', reason: expect.any(IngestCancelledError) });
    expect(settled.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(257);
  });

  it('fails the file with the error onChunk threw, and keeps working', async () => {
    const error = await pool
      .ingestFile(bigPath, {
        onChunk: async (chunk) => {
          if (chunk.index === 2) throw new Error('disk full on purpose');
        },
      })
      .catch((err: unknown) => err);
    expect(error).toMatchObject({ message: 'disk full on purpose' });
    expect((await pool.ingestFile(bigPath)).sha256).toBe(sha256(bigData));
  });

  it('uses the default chunker parameters when none are given', async () => {
    const defaults = await IngestPool.create({ keys, compression: true, size: 1 });
    try {
      const { result } = await ingestAndVerify(defaults, keys, bigPath, bigData);
      for (const chunk of result.chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(512 * 1024);
    } finally {
      await defaults.close();
    }
  });

  it('refuses work after close', async () => {
    const closing = await IngestPool.create({ keys, compression: false, size: 1 });
    await closing.close();
    await expect(closing.ingestFile(bigPath)).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('starts before its keys are known and works once they arrive', async () => {
    let giveKeys!: (value: RepoKeys) => void;
    const later = new Promise<RepoKeys>((resolve) => (giveKeys = resolve));
    const starting = IngestPool.create({ keys: later, chunker: params, compression: true, size: 2 });
    let started = false;
    void starting.then(() => (started = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(started).toBe(false); // not ready without keys
    giveKeys(keys);
    const early = await starting;
    try {
      await ingestAndVerify(early, keys, bigPath, bigData);
    } finally {
      await early.close();
    }
  });

  it('fails to start with the error of keys that could not be had (a wrong passphrase)', async () => {
    const wrong = Object.assign(new Error('The passphrase is wrong.'), { code: 'WRONG_PASSPHRASE' });
    await expect(IngestPool.create({ keys: Promise.reject(wrong), compression: true, size: 2 })).rejects.toBe(wrong);
    await expect(IngestPool.create({ keys: Promise.resolve({ ...keys, blobKey: null }), compression: false })).rejects.toThrow(/both be set/);
  });

  it('checks its options', async () => {
    await expect(IngestPool.create({ keys, compression: false, chunker: { minSize: 10, avgSize: 5, maxSize: 1 } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(IngestPool.create({ keys: { ...keys, blobKey: null }, compression: false })).rejects.toThrow(/both be set/);
    await expect(IngestPool.create({ keys, compression: true, compressionLevel: 40 })).rejects.toThrow(/compression level/);
  });
});
