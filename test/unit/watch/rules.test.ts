/** Ignore rules, type rules and the reconcile plan: pure logic, no watcher. */
import { afterEach, describe, expect, it } from 'vitest';
import { IgnoreRules } from '../../../src-main/engine/watch/ignore';
import { planReconcile } from '../../../src-main/engine/watch/reconcile-plan';
import { judgeRoot } from '../../../src-main/engine/watch/folder-presence';
import { StatCache } from '../../../src-main/engine/watch/stat-cache';
import { TypeRules } from '../../../src-main/engine/watch/type-rules';
import type { FolderScan } from '../../../src-main/engine/watch/folder-scan';
import { makeTempDir, type TempDir } from '../../helpers/tmp';
import { sha256 } from './watch-helpers';

const temps: TempDir[] = [];
afterEach(async () => {
  for (const t of temps.splice(0)) await t.remove();
});

describe('IgnoreRules', () => {
  it('ignores OS litter, editor swap files, VCS folders and Cairn temp files by default', () => {
    const rules = new IgnoreRules();
    for (const ignored of ['.DS_Store', 'sub/Thumbs.db', '~$budget.xlsx', 'x.tmp', '.git/HEAD', 'a/.git/config', 'f.swp', 'f.swo', 'notes.txt~', '.#notes.txt', '4913', '.model.bin.cairn-0a1b2c3d4e5f', '.tmp-0011']) {
      expect(rules.isIgnored(ignored), ignored).toBe(true);
    }
    expect(rules.isIgnored('.git', true)).toBe(true);
    for (const kept of ['model.bin', 'docs/readme.md', '.cairnignore', 'gitignore', 'swp.txt', 'temp/x']) {
      expect(rules.isIgnored(kept), kept).toBe(false);
    }
  });

  it('applies collection rules, then the folder .cairnignore, which may override with !', async () => {
    const folder = await makeTempDir('ignore');
    temps.push(folder);
    await folder.write('.cairnignore', '# build products\nout/\n*.log\n!important.tmp\n');
    const rules = await IgnoreRules.forFolder(folder.path, ['*.ckpt', 'cache/']);
    expect(rules.isIgnored('out', true)).toBe(true);
    expect(rules.isIgnored('out')).toBe(false); // a file named "out" is not the folder rule
    expect(rules.isIgnored('out/a.o')).toBe(true);
    expect(rules.isIgnored('logs/run.log')).toBe(true);
    expect(rules.isIgnored('w.ckpt')).toBe(true);
    expect(rules.isIgnored('cache/x', false)).toBe(true);
    expect(rules.isIgnored('important.tmp')).toBe(false);
    expect(rules.isIgnored('other.tmp')).toBe(true);
    const same = await IgnoreRules.forFolder(folder.path, ['*.ckpt', 'cache/']);
    expect(same.fingerprint).toBe(rules.fingerprint);
    expect((await IgnoreRules.forFolder(folder.path, [])).fingerprint).not.toBe(rules.fingerprint);
  });
});

describe('TypeRules', () => {
  it('gives the first matching type; bundles match as folders', () => {
    const rules = new TypeRules([
      { glob: '*.safetensors', type: 'model' },
      { glob: 'data/**', type: 'dataset' },
      { glob: '*-model/', type: 'model' },
      { glob: '*', type: 'document' },
    ]);
    expect(rules.typeOf('weights/final.safetensors', 'file')).toBe('model');
    expect(rules.typeOf('data/train.csv', 'file')).toBe('dataset');
    expect(rules.typeOf('llama-model', 'bundle')).toBe('model');
    expect(rules.typeOf('notes.md', 'file')).toBe('document');
    expect(new TypeRules([]).typeOf('x', 'file')).toBeUndefined();
  });
});

describe('planReconcile', () => {
  const stat = (size: number, mtimeMs = 1000, ino = size) => ({ size, mtimeMs, ino, ctimeMs: mtimeMs });
  const record = (size: number, mtimeMs = 1000, ino = size) => ({ ...stat(size, mtimeMs, ino), sha256: sha256(String(size)), versionId: `v${size}` });
  const scanOf = (files: [string, ReturnType<typeof stat>][], extra: Partial<FolderScan> = {}): FolderScan => ({
    files: files.map(([path, s]) => ({ path, stat: s })),
    unreadableDirs: [],
    unreadableFiles: [],
    ignored: 0,
    ...extra,
  });
  const never = () => false;

  it('files: unchanged, changed, new, missing, now ignored, and unknown under an unreadable folder', () => {
    const cache = new StatCache('/unused');
    cache.setFile('same.txt', record(1));
    cache.setFile('changed.txt', record(2));
    cache.setFile('gone.txt', record(3));
    cache.setFile('now-ignored.log', record(4));
    cache.setFile('locked/inside.txt', record(5));
    const scan = scanOf([['same.txt', stat(1)], ['changed.txt', stat(2, 2000)], ['new.txt', stat(6)]], { unreadableDirs: [{ path: 'locked', error: new Error('EACCES') }] });
    const plan = planReconcile(scan, cache, { bundles: false, isIgnored: (p) => p.endsWith('.log') });
    expect(plan.unchanged).toBe(1);
    expect(plan.changed.sort()).toEqual(['changed.txt', 'new.txt']);
    expect(plan.missing).toEqual(['gone.txt']);
    expect(plan.nowIgnored).toEqual({ files: ['now-ignored.log'], bundles: [] });
  });

  it('bundles: a bundle changes when any file changes, appears or disappears; a vanished folder is missing', () => {
    const cache = new StatCache('/unused');
    for (const [path, size] of [['a/x', 1], ['a/y', 2], ['b/x', 3], ['b/y', 4], ['c/x', 5], ['top.txt', 6]] as const) cache.setFile(path, { ...record(size), versionId: null });
    for (const name of ['a', 'b', 'c']) cache.setBundle(name, { listingDigest: name, sha256: null, versionId: null });
    const scan = scanOf([['a/x', stat(1)], ['a/y', stat(2)], ['b/x', stat(3)], ['top.txt', stat(6)]]);
    const plan = planReconcile(scan, cache, { bundles: true, isIgnored: never });
    expect(plan.unchanged).toBe(2); // a, top.txt
    expect(plan.changed).toEqual(['b']); // lost b/y
    expect(plan.missing).toEqual(['c']);
  });
});

describe('StatCache', () => {
  it('round-trips 20,000 entries and treats a damaged file as an empty cache with a reason', async () => {
    const dir = await makeTempDir('stat-cache');
    temps.push(dir);
    const file = dir.join('cache.json');
    const cache = new StatCache(file);
    for (let i = 0; i < 20_000; i++) cache.setFile(`folder-${i % 50}/file-${i}.bin`, { size: i, mtimeMs: 1_700_000_000_123.456 + i, ino: 10_000 + i, ctimeMs: 1_700_000_000_999.5, sha256: sha256(String(i)), versionId: i % 2 ? `v${i}` : null });
    cache.setBundle('model', { listingDigest: sha256('listing'), sha256: null, versionId: 'v1' });
    cache.setRoot({ dev: 42, ino: 7, birthtimeMs: 1_700_000_000_000.5 });
    await cache.flush();

    const { cache: loaded, problem } = await StatCache.load(file);
    expect(problem).toBeUndefined();
    expect(loaded.fileCount).toBe(20_000);
    expect(loaded.getFile('folder-7/file-12357.bin')).toEqual(cache.getFile('folder-7/file-12357.bin'));
    expect(loaded.getBundle('model')).toEqual({ listingDigest: sha256('listing'), sha256: null, versionId: 'v1' });
    expect(loaded.root).toEqual({ dev: 42, ino: 7, birthtimeMs: 1_700_000_000_000.5 });
    expect(loaded.filesUnder('folder-3')).toHaveLength(400);

    await dir.write('cache.json', '{"format":"cairn-watch-stat-cache","version":1,"root":null,"files":[["x",1]],"bundles":[]}');
    const damaged = await StatCache.load(file);
    expect(damaged.problem).toMatch(/malformed/);
    expect(damaged.cache.fileCount).toBe(0);
    expect((await StatCache.load(dir.join('absent.json'))).problem).toBeUndefined();
  });
});

describe('judgeRoot', () => {
  const drive = { dev: 2049, ino: 2, birthtimeMs: 1000 };
  it('tells a bare mount point (empty, other device) from a folder whose files were deleted', () => {
    expect(judgeRoot(drive, drive, { isEmpty: true, knownFiles: 10 })).toBe('same');
    expect(judgeRoot(null, drive, { isEmpty: true, knownFiles: 0 })).toBe('same');
    const mountPoint = { dev: 64768, ino: 5123, birthtimeMs: 500 };
    expect(judgeRoot(drive, mountPoint, { isEmpty: true, knownFiles: 10 })).toBe('missing');
    expect(judgeRoot(drive, mountPoint, { isEmpty: false, knownFiles: 10 })).toBe('replaced');
    expect(judgeRoot(drive, mountPoint, { isEmpty: true, knownFiles: 0 })).toBe('replaced');
    // Deleted and created again on the same device: the inode number is reused, the birth time is not.
    expect(judgeRoot(drive, { ...drive, birthtimeMs: 2000 }, { isEmpty: true, knownFiles: 10 })).toBe('replaced');
  });
});
