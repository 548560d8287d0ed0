/**
 * catalogue.content and catalogue.compare on a real engine and repository (small chunks, so a
 * file spans many): round trips, ranges that read only the chunks they need, text and binary
 * detection, chunk reuse between versions, and the errors a person gets for bad requests.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { commands, type CommandInput, type CommandName, type CommandOutput } from '../../../src-shared/contract';
import { Engine } from '../../../src-main/engine/engine';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

const ctx = { transport: 'test' };
let dir: TempDir;
let engine: Engine;

async function call<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
  const output = await engine.call(name, input, ctx);
  return commands[name].output.parse(output) as CommandOutput<C>;
}

function decode(content: CommandOutput<'catalogue.content'>): Buffer {
  return content.encoding === 'utf8' ? Buffer.from(content.data, 'utf8') : Buffer.from(content.data, 'base64');
}

/** Deterministic bytes that do not look like text. */
function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

let weights: Buffer;

beforeAll(async () => {
  dir = await makeTempDir('content');
  engine = new Engine({ repositoryPath: dir.join('repo') });
  await engine.start();
  await engine.vault.init(null, { chunker: { minSize: 256, avgSize: 1024, maxSize: 4096 } });

  await dir.write('files/notes.txt', 'line one\nline two\nline three\n');
  await call('catalogue.add', { path: dir.join('files/notes.txt') });
  await dir.write('files/notes.txt', 'line one\nline 2, changed\nline three\nline four\n');
  await call('catalogue.add', { path: dir.join('files/notes.txt') });

  weights = noise(200_000, 7);
  await dir.write('files/weights.bin', weights);
  await call('catalogue.add', { path: dir.join('files/weights.bin') });
  const edited = Buffer.from(weights);
  noise(100, 99).copy(edited, 150_000);
  await dir.write('files/weights.bin', edited);
  await call('catalogue.add', { path: dir.join('files/weights.bin') });

  await dir.write('files/model/config.json', '{"layers": 4}\n');
  await dir.write('files/model/README.md', '# model\n');
  await dir.write('files/model/old.txt', 'to be removed\n');
  await call('catalogue.add', { path: dir.join('files/model'), name: 'model' });
  await dir.write('files/model/config.json', '{"layers": 8}\n');
  await fs.rm(dir.join('files/model/old.txt'));
  await dir.write('files/model/new.txt', 'added\n');
  await call('catalogue.add', { path: dir.join('files/model'), name: 'model' });
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  await dir?.remove();
});

describe('catalogue.content', () => {
  it('serves a text file of a version as UTF-8 with its size, digest and media type', async () => {
    const v1 = await call('catalogue.content', { version: 'notes.txt@v1' });
    expect(v1).toMatchObject({ label: 'default/notes.txt@v1', path: 'notes.txt', size: 29, offset: 0, length: 29, truncated: false, encoding: 'utf8', mime: 'text/plain' });
    expect(v1.data).toBe('line one\nline two\nline three\n');
    expect(v1.sha256).toBe(crypto.createHash('sha256').update(v1.data).digest('hex'));
    const head = await call('catalogue.content', { version: 'notes.txt' });
    expect(head.data).toContain('line 2, changed');
  });

  it('serves binary files as base64, byte for byte, and ranges of them reading only the chunks they need', async () => {
    const whole = await call('catalogue.content', { version: 'weights.bin@v1', maxBytes: 8 * 1024 * 1024 });
    expect(whole).toMatchObject({ encoding: 'base64', mime: 'application/octet-stream', truncated: false, length: weights.length });
    expect(decode(whole).equals(weights)).toBe(true);

    const repo = engine.vault.requireRepository();
    const reads = vi.spyOn(repo, 'readBlob');
    try {
      const range = await call('catalogue.content', { version: 'weights.bin@v1', offset: 100_000, maxBytes: 3000 });
      expect(range).toMatchObject({ offset: 100_000, length: 3000, truncated: true });
      expect(decode(range).equals(weights.subarray(100_000, 103_000))).toBe(true);
      // The tree plus the few chunks (at least 256 bytes each) that overlap 3000 bytes.
      expect(reads.mock.calls.length).toBeLessThanOrEqual(1 + Math.ceil(3000 / 256) + 1);
    } finally {
      reads.mockRestore();
    }

    const tail = await call('catalogue.content', { version: 'weights.bin@v1', offset: weights.length - 10, maxBytes: 1000 });
    expect(tail).toMatchObject({ length: 10, truncated: false });
    const end = await call('catalogue.content', { version: 'weights.bin@v1', offset: weights.length });
    expect(end).toMatchObject({ length: 0, truncated: false, data: '' });
  });

  it('caps what one call serves and says the file goes on', async () => {
    const first = await call('catalogue.content', { version: 'weights.bin@v1', maxBytes: 1000 });
    expect(first).toMatchObject({ length: 1000, truncated: true, size: weights.length });
    await expect(engine.call('catalogue.content', { version: 'weights.bin@v1', maxBytes: 8 * 1024 * 1024 + 1 }, ctx)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(engine.call('catalogue.content', { version: 'weights.bin@v1', offset: -1 }, ctx)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('never cuts a character in half when text is truncated', async () => {
    await dir.write('files/accents.txt', 'é'.repeat(100));
    await call('catalogue.add', { path: dir.join('files/accents.txt') });
    const cut = await call('catalogue.content', { version: 'accents.txt', maxBytes: 7 });
    expect(cut).toMatchObject({ encoding: 'utf8', data: 'ééé', length: 6, truncated: true });
  });

  it('sniffs images and text behind misleading names', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), noise(64, 3)]);
    await dir.write('files/picture.dat', png);
    await call('catalogue.add', { path: dir.join('files/picture.dat') });
    expect(await call('catalogue.content', { version: 'picture.dat' })).toMatchObject({ mime: 'image/png', encoding: 'base64' });
    await dir.write('files/Makefile', 'all:\n\techo hi\n');
    await call('catalogue.add', { path: dir.join('files/Makefile') });
    expect(await call('catalogue.content', { version: 'Makefile' })).toMatchObject({ mime: 'text/plain', encoding: 'utf8', data: 'all:\n\techo hi\n' });
    expect(await call('catalogue.content', { version: 'Makefile', encoding: 'base64' })).toMatchObject({ encoding: 'base64', data: Buffer.from('all:\n\techo hi\n').toString('base64') });
  });

  it('needs a path for a version of several files, and names them', async () => {
    await expect(engine.call('catalogue.content', { version: 'model@v1' }, ctx)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/3 files.*README\.md.*config\.json.*old\.txt/),
    });
    const config = await call('catalogue.content', { version: 'model@v1', path: 'config.json' });
    expect(config).toMatchObject({ path: 'config.json', mime: 'application/json', data: '{"layers": 4}\n' });
    expect((await call('catalogue.content', { version: 'model@v1', path: './config.json' })).path).toBe('config.json');
  });

  it('explains unknown versions, paths not in the tree and ranges beyond the end', async () => {
    await expect(engine.call('catalogue.content', { version: 'nope.txt' }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.call('catalogue.content', { version: 'notes.txt@v9' }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('notes.txt@v9') });
    await expect(engine.call('catalogue.content', { version: 'model@v2', path: 'old.txt' }, ctx)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('"old.txt" is not a file of default/model@v2'),
      hint: expect.stringContaining('new.txt'),
    });
    await expect(engine.call('catalogue.content', { version: 'notes.txt@v1', offset: 30 }, ctx)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('beyond the end'),
    });
    await expect(engine.call('catalogue.content', { version: 'notes.txt@v1', path: 'a\0b' }, ctx)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('says so when the bytes of a version are not in this repository', async () => {
    const repo = engine.vault.requireRepository();
    const tree = (await call('catalogue.versions.get', { version: 'notes.txt@v2' })).version.treeId;
    const original = repo.locate.bind(repo);
    const spy = vi.spyOn(repo, 'locate').mockImplementation((id) => (id === tree ? undefined : original(id)));
    try {
      await expect(engine.call('catalogue.content', { version: 'notes.txt@v2' }, ctx)).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: 'The content of default/notes.txt@v2 is not in this repository.',
        hint: expect.stringContaining('cairn sync --once'),
      });
      await expect(engine.call('catalogue.compare', { a: 'notes.txt@v1', b: 'notes.txt@v2' }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses content whose stored bytes do not match its digest', async () => {
    const repo = engine.vault.requireRepository();
    const original = repo.readBlob.bind(repo);
    const tree = (await call('catalogue.versions.get', { version: 'notes.txt@v1' })).version.treeId;
    const spy = vi.spyOn(repo, 'readBlob').mockImplementation(async (id) => {
      const plain = await original(id);
      return id === tree ? plain : Buffer.from(plain.toString('utf8').toUpperCase());
    });
    try {
      await expect(engine.call('catalogue.content', { version: 'notes.txt@v1' }, ctx)).rejects.toMatchObject({ code: 'CORRUPT' });
    } finally {
      spy.mockRestore();
    }
  });
});

describe('catalogue.compare', () => {
  it('says what changed in a text file', async () => {
    const result = await call('catalogue.compare', { a: 'notes.txt@v1', b: 'notes.txt@v2' });
    expect(result.sameContent).toBe(false);
    expect(result.counts).toEqual({ added: 0, removed: 0, changed: 1, unchanged: 0 });
    expect(result.files).toEqual([
      expect.objectContaining({ path: 'notes.txt', change: 'changed', mime: 'text/plain', a: expect.objectContaining({ size: 29 }), b: expect.objectContaining({ size: 46 }) }),
    ]);
    expect(result.reuse.bytes).toBe(46);
  });

  it('counts the bytes of a binary version that were already stored', async () => {
    const result = await call('catalogue.compare', { a: 'weights.bin@v1', b: 'weights.bin@v2' });
    expect(result.files[0]).toMatchObject({ change: 'changed' });
    expect(result.reuse.bytes).toBe(200_000);
    // A 100-byte edit touches one or two small chunks; everything else was stored with v1.
    expect(result.reuse.bytesInA / result.reuse.bytes).toBeGreaterThan(0.9);
    expect(result.reuse.bytesInA).toBeLessThan(200_000);
    expect(result.reuse.bytesStoredBefore).toBe(result.reuse.bytesInA);
    expect(result.reuse.versionsBefore).toBe(1);
    expect(result.files[0]?.bytesInA).toBe(result.reuse.bytesInA);
  });

  it('lists added, removed and changed files of a bundle, changed first', async () => {
    const result = await call('catalogue.compare', { a: 'model@v1', b: 'model@v2' });
    expect(result.counts).toEqual({ added: 1, removed: 1, changed: 1, unchanged: 1 });
    expect(result.files.map((f) => [f.path, f.change])).toEqual([
      ['config.json', 'changed'],
      ['new.txt', 'added'],
      ['old.txt', 'removed'],
      ['README.md', 'unchanged'],
    ]);
    expect(result.files.find((f) => f.path === 'old.txt')).toMatchObject({ b: null, bytesInA: null });
    const one = await call('catalogue.compare', { a: 'model@v1', b: 'model@v2', path: 'README.md' });
    expect(one).toMatchObject({ sameContent: true, counts: { added: 0, removed: 0, changed: 0, unchanged: 1 } });
    await expect(engine.call('catalogue.compare', { a: 'model@v1', b: 'model@v2', path: 'missing.txt' }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('finds a rollback entirely stored before, and identical versions the same', async () => {
    await call('catalogue.rollback', { artifact: 'notes.txt', version: 1 });
    const result = await call('catalogue.compare', { a: 'notes.txt@v2', b: 'notes.txt@v3' });
    expect(result.files[0]).toMatchObject({ change: 'changed' });
    expect(result.reuse.bytesStoredBefore).toBe(result.reuse.bytes);
    expect(result.reuse.versionsBefore).toBe(2);
    const same = await call('catalogue.compare', { a: 'notes.txt@v1', b: 'notes.txt@v3' });
    expect(same.sameContent).toBe(true);
    expect(same.reuse.bytesInA).toBe(same.reuse.bytes);
  });

  it('explains unknown versions', async () => {
    await expect(engine.call('catalogue.compare', { a: 'notes.txt@v1', b: 'ghost@v2' }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.call('catalogue.compare', { a: 'notes.txt@v1' }, ctx)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
