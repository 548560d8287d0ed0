import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CairnError } from '../../../src-shared/errors';
import type { Backend, ObjectInfo } from '../../../src-main/engine/backends/backend';
import { InvalidKeyError, ObjectExistsError, ObjectNotFoundError } from '../../../src-main/engine/backends/backend';
import { RangeNotSatisfiableError } from '../../../src-main/engine/backends/backend-errors';
import { compareKeys } from '../../../src-main/engine/backends/key-order';

export interface BackendUnderTest {
  backend: Backend;
  cleanup: () => Promise<void>;
}

export interface ConformanceOptions {
  /**
   * Cases a backend cannot support, each with the reason (shown in the test name). Only for
   * limits of a test double (say s3rver ignoring If-None-Match), never of the backend itself.
   */
  unsupported?: Partial<Record<'createOnly' | 'concurrentCreateOnly' | 'atomicReplace' | 'byteOrderAcrossFolders', string>>;
}

/**
 * The behaviour every Backend must have (DESIGN.md 4): the repository code is written once on
 * top of these verbs, so each backend runs this same suite against a real instance.
 */
export function runBackendConformance(
  name: string,
  makeBackend: () => Promise<BackendUnderTest>,
  options: ConformanceOptions = {},
): void {
  describe(`${name} conformance`, () => {
    let subject: BackendUnderTest;
    let backend: Backend;

    beforeEach(async () => {
      subject = await makeBackend();
      backend = subject.backend;
    });

    afterEach(async () => {
      await subject.cleanup();
    });

    describe('put and get', () => {
      it.each([
        ['an empty object', 0],
        ['a 1-byte object', 1],
        ['a 20 MiB object', 20 * 1024 * 1024],
      ])('round-trips %s', async (_label, size) => {
        const body = randomBytes(size);
        const result = await backend.put('packs/ab/object', body);
        expect(result.size).toBe(size);
        const back = await backend.get('packs/ab/object');
        expect(back.length).toBe(size);
        expect(back.equals(body)).toBe(true);
      });

      it('round-trips a stream body, with and without an announced length', async () => {
        const parts = [randomBytes(100_000), randomBytes(1), randomBytes(300_000)];
        const whole = Buffer.concat(parts);
        expect((await backend.put('s/with-length', Readable.from(parts), { contentLength: whole.length })).size).toBe(whole.length);
        expect((await backend.put('s/without-length', Readable.from(parts))).size).toBe(whole.length);
        expect((await backend.get('s/with-length')).equals(whole)).toBe(true);
        expect((await backend.get('s/without-length')).equals(whole)).toBe(true);
      });

      it('writes nothing when a stream body is shorter than its announced length', async () => {
        const body = Readable.from([randomBytes(1000)]);
        await expect(backend.put('s/short', body, { contentLength: 2000 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
        expect(await backend.head('s/short')).toBeNull();
      });

      it('writes nothing when a stream body fails midway', async () => {
        async function* failing() {
          yield randomBytes(64 * 1024);
          throw new Error('source disk unplugged');
        }
        await expect(backend.put('s/failing', Readable.from(failing()))).rejects.toThrow();
        expect(await backend.head('s/failing')).toBeNull();
        expect(await collectKeys(backend, 's/')).toEqual([]);
      });

      it('writes nothing when cancelled before it starts', async () => {
        const controller = new AbortController();
        controller.abort();
        await expect(backend.put('s/cancelled', Buffer.from('x'), { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
        expect(await backend.head('s/cancelled')).toBeNull();
      });

      it('reports a missing object as ObjectNotFoundError', async () => {
        await expect(backend.get('packs/zz/missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
        await expect(backend.get('packs/zz/missing', { offset: 0, length: 1 })).rejects.toBeInstanceOf(ObjectNotFoundError);
        await expect(backend.getStream('packs/zz/missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
      });

      it('replaces an object when written again without ifNoneMatch', async () => {
        await backend.put('config', Buffer.from('version 1'));
        await backend.put('config', Buffer.from('version 2, longer'));
        expect((await backend.get('config')).toString()).toBe('version 2, longer');
        expect((await backend.head('config'))?.size).toBe('version 2, longer'.length);
      });

      const atomicSkip = options.unsupported?.atomicReplace;
      it.skipIf(atomicSkip !== undefined)(`never shows a reader a mix of the old and the new object while it is replaced${skipNote(atomicSkip)}`, async () => {
        const before = Buffer.alloc(2 * 1024 * 1024, 1);
        const after = Buffer.alloc(3 * 1024 * 1024, 2);
        await backend.put('packs/aa/replaced', before);
        const writing = backend.put('packs/aa/replaced', after);
        const seen: Buffer[] = [];
        let done = false;
        void writing.finally(() => (done = true));
        while (!done) seen.push(await backend.get('packs/aa/replaced'));
        await writing;
        seen.push(await backend.get('packs/aa/replaced'));
        for (const read of seen) expect(read.equals(before) || read.equals(after)).toBe(true);
        expect(seen.at(-1)?.equals(after)).toBe(true);
      });
    });

    describe('range reads', () => {
      const body = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

      beforeEach(async () => {
        await backend.put('packs/01/ranged', body);
      });

      it.each([
        ['the start', 0, 10],
        ['the middle', 400, 123],
        ['the end', 990, 10],
        ['the whole object', 0, 1000],
        ['one byte at the end', 999, 1],
      ])('reads %s', async (_label, offset, length) => {
        const part = await backend.get('packs/01/ranged', { offset, length });
        expect(part.equals(body.subarray(offset, offset + length))).toBe(true);
        const streamed = await readAll(await backend.getStream('packs/01/ranged', { offset, length }));
        expect(streamed.equals(body.subarray(offset, offset + length))).toBe(true);
      });

      it('reads nothing for a zero-length range inside or at the end of the object', async () => {
        expect((await backend.get('packs/01/ranged', { offset: 500, length: 0 })).length).toBe(0);
        expect((await backend.get('packs/01/ranged', { offset: 1000, length: 0 })).length).toBe(0);
      });

      it.each([
        ['that ends past the end', 990, 11],
        ['that starts at the end', 1000, 1],
        ['that starts past the end', 5000, 10],
      ])('refuses a range %s with RangeNotSatisfiableError (never a short read)', async (_label, offset, length) => {
        await expect(backend.get('packs/01/ranged', { offset, length })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
        await expect(backend.getStream('packs/01/ranged', { offset, length })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
      });

      it('refuses a range that is not whole non-negative numbers', async () => {
        await expect(backend.get('packs/01/ranged', { offset: -1, length: 2 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
        await expect(backend.get('packs/01/ranged', { offset: 0, length: 1.5 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      });
    });

    describe('getStream', () => {
      it('streams a whole object, large and empty', async () => {
        const big = randomBytes(5 * 1024 * 1024 + 17);
        await backend.put('packs/bb/big', big);
        await backend.put('packs/bb/empty', Buffer.alloc(0));
        expect((await readAll(await backend.getStream('packs/bb/big'))).equals(big)).toBe(true);
        expect((await readAll(await backend.getStream('packs/bb/empty'))).length).toBe(0);
      });
    });

    describe('head', () => {
      it('gives size and modification time, or null when absent', async () => {
        await backend.put('index/dev1/0001', Buffer.from('hello'));
        const info = await backend.head('index/dev1/0001');
        expect(info).toMatchObject({ key: 'index/dev1/0001', size: 5 });
        expect(info?.modified).toBeInstanceOf(Date);
        expect(Number.isNaN(info?.modified.getTime())).toBe(false);
        expect(await backend.head('index/dev1/0002')).toBeNull();
        expect(await backend.head('index/dev1')).toBeNull();
      });
    });

    describe('list', () => {
      const keys = [
        'config',
        'a/b',
        'a0',
        'index/dev1/0000001',
        'index/dev1/0000002',
        'index/dev1/0001000',
        'index/dev10/0000001',
        'index/dev2/0000001',
        'manifest/dev1/0000001',
        'packs/ab/ab01',
        'packs/ab/ab02',
        'packs/ff/ff01',
        'unicode/\u00e9',
        'unicode/\uffff',
        'unicode/\u{1F600}',
        'unicode/z',
      ];
      const sorted = [...keys].sort(compareKeys);

      beforeEach(async () => {
        for (const key of [...keys].reverse()) await backend.put(key, Buffer.from(key));
      });

      it('lists every key in byte order with sizes', async () => {
        const listed = await collect(backend.list(''));
        expect(listed.map((info) => info.key)).toEqual(sorted);
        for (const info of listed) {
          expect(info.size).toBe(Buffer.byteLength(info.key));
          expect(info.modified).toBeInstanceOf(Date);
        }
      });

      it('lists under a folder prefix and a prefix that ends mid-segment', async () => {
        expect(await collectKeys(backend, 'index/')).toEqual(sorted.filter((k) => k.startsWith('index/')));
        expect(await collectKeys(backend, 'index/dev1/0000')).toEqual(['index/dev1/0000001', 'index/dev1/0000002']);
        expect(await collectKeys(backend, 'index/dev1')).toEqual(['index/dev1/0000001', 'index/dev1/0000002', 'index/dev1/0001000', 'index/dev10/0000001']);
        expect(await collectKeys(backend, 'a')).toEqual(['a/b', 'a0']);
        expect(await collectKeys(backend, 'nothing/here/')).toEqual([]);
        expect(await collectKeys(backend, 'conf')).toEqual(['config']);
      });

      it('resumes after startAfter, whether or not that key exists', async () => {
        const after = (startAfter: string, prefix = '') => collectKeys(backend, prefix, startAfter);
        expect(await after('index/dev1/0000002')).toEqual(sorted.filter((k) => compareKeys(k, 'index/dev1/0000002') > 0));
        expect(await after('index/dev1/00000015')).toEqual(sorted.filter((k) => compareKeys(k, 'index/dev1/00000015') > 0));
        expect(await after('index/dev1/', 'index/dev1/')).toEqual(['index/dev1/0000001', 'index/dev1/0000002', 'index/dev1/0001000']);
        expect(await after('index/dev1/0000001', 'index/dev1/')).toEqual(['index/dev1/0000002', 'index/dev1/0001000']);
        expect(await after('index/dev1/~', 'index/')).toEqual(['index/dev10/0000001', 'index/dev2/0000001']);
        expect(await after('zzz')).toEqual([]);
        expect(await after('')).toEqual(sorted);
      });
    });

    describe('list order', () => {
      const orderSkip = options.unsupported?.byteOrderAcrossFolders;
      it.skipIf(orderSkip !== undefined)(`puts a-c and a.b before a/b: byte order, not folder-walk order${skipNote(orderSkip)}`, async () => {
        for (const key of ['a/b/c', 'a/b/d', 'a0', 'a.b', 'a-c']) await backend.put(key, Buffer.from(key));
        expect(await collectKeys(backend, '')).toEqual(['a-c', 'a.b', 'a/b/c', 'a/b/d', 'a0']);
        expect(await collectKeys(backend, 'a', 'a.b')).toEqual(['a/b/c', 'a/b/d', 'a0']);
        expect(await collectKeys(backend, '', 'a/b/c')).toEqual(['a/b/d', 'a0']);
      });
    });

    describe('list over many keys', () => {
      it('pages through more than 1000 keys in order', async () => {
        const total = 1100;
        const keys = Array.from({ length: total }, (_, i) => `index/dev1/${String(i).padStart(7, '0')}`);
        await inBatches(keys, 25, (key) => backend.put(key, Buffer.from([1])));
        await backend.put('index/dev2/0000000', Buffer.from([2]));
        expect(await collectKeys(backend, 'index/dev1/')).toEqual(keys);
        const thousandth = keys[999] as string;
        expect(await collectKeys(backend, 'index/dev1/', thousandth)).toEqual(keys.slice(1000));
        expect((await collectKeys(backend, '')).length).toBe(total + 1);
      });
    });

    describe('delete', () => {
      it('removes an object and is idempotent', async () => {
        await backend.put('manifest/dev1/0000001', Buffer.from('update'));
        await backend.delete('manifest/dev1/0000001');
        expect(await backend.head('manifest/dev1/0000001')).toBeNull();
        await expect(backend.get('manifest/dev1/0000001')).rejects.toBeInstanceOf(ObjectNotFoundError);
        await backend.delete('manifest/dev1/0000001');
        await backend.delete('never/was/here');
        expect(await collectKeys(backend, '')).toEqual([]);
      });
    });

    describe('create-only put (ifNoneMatch)', () => {
      const createOnlySkip = options.unsupported?.createOnly;
      it.skipIf(createOnlySkip !== undefined)(
        `refuses a second create with ObjectExistsError and keeps the first${skipNote(createOnlySkip)}`,
        async () => {
          await backend.put('keys/master', Buffer.from('first'), { ifNoneMatch: true });
          const second = backend.put('keys/master', Buffer.from('second'), { ifNoneMatch: true });
          await expect(second).rejects.toBeInstanceOf(ObjectExistsError);
          await expect(second).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
          expect((await backend.get('keys/master')).toString()).toBe('first');
          const streamed = backend.put('keys/master', Readable.from([Buffer.from('third')]), { ifNoneMatch: true });
          await expect(streamed).rejects.toBeInstanceOf(ObjectExistsError);
          expect((await collectKeys(backend, 'keys/')).length).toBe(1);
        },
      );

      const concurrentSkip = options.unsupported?.concurrentCreateOnly ?? createOnlySkip;
      it.skipIf(concurrentSkip !== undefined)(
        `lets exactly one of several concurrent creates win${skipNote(concurrentSkip)}`,
        async () => {
          const bodies = Array.from({ length: 8 }, (_, i) => Buffer.from(`writer ${i} `.repeat(1000)));
          const results = await Promise.allSettled(bodies.map((body) => backend.put('manifest/snapshots/s1', body, { ifNoneMatch: true })));
          const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
          expect(winners).toHaveLength(1);
          for (const result of results) {
            if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ObjectExistsError);
          }
          const stored = await backend.get('manifest/snapshots/s1');
          expect(stored.equals(bodies[winners[0] as number] as Buffer)).toBe(true);
        },
      );

      it('creates a new key', async () => {
        await backend.put('keys/fresh', Buffer.from('x'), { ifNoneMatch: true });
        expect((await backend.get('keys/fresh')).toString()).toBe('x');
      });
    });

    describe('keys', () => {
      const invalidKeys = ['', '/packs/ab', 'packs//ab', '../escape', 'packs/../../escape', 'a/./b', 'a\\b', 'nul\0byte', 'trailing/', 'local/state', 'local', 'packs/.tmp-1234', 'x'.repeat(1025)];

      it.each(invalidKeys.map((key) => [JSON.stringify(key.slice(0, 40)), key]))('refuses the invalid key %s on every verb', async (_label, key) => {
        await expect(backend.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(backend.get(key)).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(backend.getStream(key)).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(backend.head(key)).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(backend.delete(key)).rejects.toBeInstanceOf(InvalidKeyError);
        expect(await collectKeys(backend, '')).toEqual([]);
      });

      it('raises only CairnErrors for bad input', async () => {
        const err = await backend.get('').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CairnError);
      });
    });
  });
}

function skipNote(reason: string | undefined): string {
  return reason === undefined ? '' : ` (skipped: ${reason})`;
}

export async function collect(iterable: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const info of iterable) out.push(info);
  return out;
}

export async function collectKeys(backend: Backend, prefix: string, startAfter?: string): Promise<string[]> {
  const infos = await collect(backend.list(prefix, startAfter === undefined ? {} : { startAfter }));
  return infos.map((info) => info.key);
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}
