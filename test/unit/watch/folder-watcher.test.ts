/**
 * The folder watcher on real temp folders with real chokidar and an in-memory publisher. Tests
 * wait for events (generous timeouts) and for the watcher to go idle; they never assert timing.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CairnError } from '../../../src-shared/errors';
import type { FolderWatcher } from '../../../src-main/engine/watch/folder-watcher';
import { makeTempDir, type TempDir } from '../../helpers/tmp';
import { delay, EventLog, FakePublisher, folderSettings, newWatcher, sha256, waitForIdle, writeAtomically } from './watch-helpers';

const temps: TempDir[] = [];
const watchers: FolderWatcher[] = [];
afterEach(async () => {
  for (const w of watchers.splice(0)) await w.stop();
  for (const t of temps.splice(0)) await t.remove();
});

interface Setup {
  folder: TempDir;
  state: TempDir;
  publisher: FakePublisher;
  log: EventLog;
  watcher: FolderWatcher;
}

async function setup(options: { bundles?: boolean; maxFileSize?: number; timing?: Parameters<typeof newWatcher>[0]['timing']; extraIgnoreRules?: string[]; before?: (folder: TempDir) => Promise<void> } = {}): Promise<Setup> {
  const folder = await makeTempDir('watched');
  const state = await makeTempDir('watch-state');
  temps.push(folder, state);
  await options.before?.(folder);
  const publisher = new FakePublisher();
  const log = new EventLog();
  const watcher = newWatcher({
    folder: folderSettings(folder.path, { bundles: options.bundles ?? false, ...(options.maxFileSize ? { maxFileSize: options.maxFileSize } : {}) }),
    statCachePath: state.join('cache.json'),
    publisher,
    log,
    timing: options.timing,
    extraIgnoreRules: options.extraIgnoreRules,
  });
  watchers.push(watcher);
  const started = await watcher.start();
  expect(started.status).toBe('watching');
  return { folder, state, publisher, log, watcher };
}

/** A second watcher on the same folder and cache, as after a restart of Cairn. */
function restarted(s: Setup, publisher = s.publisher, log = new EventLog()): { watcher: FolderWatcher; log: EventLog } {
  const watcher = newWatcher({ folder: folderSettings(s.folder.path), statCachePath: s.state.join('cache.json'), publisher, log });
  watchers.push(watcher);
  return { watcher, log };
}

describe('FolderWatcher', () => {
  it('publishes a file written in slow pieces exactly once, with its final content', async () => {
    const s = await setup({ timing: { settleMs: 500 } });
    const file = s.folder.join('slow.bin');
    const handle = await fs.open(file, 'w');
    let content = '';
    for (let piece = 0; piece < 15; piece++) {
      const text = `piece ${piece} `.repeat(200);
      await handle.write(text);
      content += text;
      await delay(200);
    }
    await handle.close();

    const published = await s.log.waitFor('published', (e) => e.path === 'slow.bin');
    await waitForIdle(s.watcher);
    expect(s.publisher.published('slow.bin')).toHaveLength(1);
    expect(published.sha256).toBe(sha256(content));
    expect(s.publisher.published('slow.bin')[0]!.content).toBe(content);
  });

  it('publishes 1,000 files dropped at once, each exactly once', async () => {
    const s = await setup();
    const names = Array.from({ length: 1000 }, (_, i) => `drop/${String(i % 10)}/file-${i}.txt`);
    for (let d = 0; d < 10; d++) await fs.mkdir(s.folder.join('drop', String(d)), { recursive: true });
    await Promise.all(names.map((name, i) => fs.writeFile(s.folder.join(name), `file number ${i}\n`)));

    const deadline = Date.now() + 60_000;
    while (new Set(s.publisher.versions().map((c) => c.request.artifactPath)).size < names.length) {
      if (Date.now() > deadline) throw new Error(`only ${s.publisher.versions().length} of ${names.length} published`);
      await delay(100);
    }
    await waitForIdle(s.watcher);
    const paths = s.publisher.published().map((c) => c.request.artifactPath);
    expect(paths).toHaveLength(names.length);
    expect(new Set(paths)).toEqual(new Set(names));
  });

  it('follows a rename and a move into another folder: rename called, nothing uploaded again', async () => {
    const s = await setup();
    await s.folder.write('report.txt', 'quarterly numbers');
    await s.log.waitFor('published', (e) => e.path === 'report.txt');

    await fs.rename(s.folder.join('report.txt'), s.folder.join('final.txt'));
    await s.log.waitFor('renamed', (e) => e.from === 'report.txt' && e.to === 'final.txt');

    await fs.mkdir(s.folder.join('archive'));
    await fs.rename(s.folder.join('final.txt'), s.folder.join('archive', 'final.txt'));
    await s.log.waitFor('renamed', (e) => e.from === 'final.txt' && e.to === 'archive/final.txt');

    await waitForIdle(s.watcher);
    expect(s.publisher.published()).toHaveLength(1);
    expect(s.publisher.ops('rename')).toEqual([
      { op: 'rename', from: 'report.txt', to: 'final.txt' },
      { op: 'rename', from: 'final.txt', to: 'archive/final.txt' },
    ]);
    expect(s.publisher.ops('markDeleted')).toEqual([]);
  });

  it('follows a renamed folder of files', async () => {
    const s = await setup();
    await s.folder.write('photos/a.jpg', 'A');
    await s.folder.write('photos/b.jpg', 'B');
    await s.log.waitFor('published', (e) => e.path === 'photos/a.jpg');
    await s.log.waitFor('published', (e) => e.path === 'photos/b.jpg');

    await fs.rename(s.folder.join('photos'), s.folder.join('pictures'));
    await s.log.waitFor('renamed', (e) => e.to === 'pictures/a.jpg');
    await s.log.waitFor('renamed', (e) => e.to === 'pictures/b.jpg');
    await waitForIdle(s.watcher);
    expect(s.publisher.published()).toHaveLength(2);
    expect(s.publisher.ops('markDeleted')).toEqual([]);
  });

  it('tombstones a deleted file', async () => {
    const s = await setup();
    await s.folder.write('old.txt', 'soon gone');
    await s.folder.write('stays.txt', 'staying');
    await s.log.waitFor('published', (e) => e.path === 'old.txt');
    await s.log.waitFor('published', (e) => e.path === 'stays.txt');

    await fs.rm(s.folder.join('old.txt'));
    await s.log.waitFor('deleted', (e) => e.path === 'old.txt');
    expect(s.publisher.ops('markDeleted')).toEqual([{ op: 'markDeleted', artifactPath: 'old.txt' }]);
  });

  it('does not version its own rollback write-back, but versions a later real change', async () => {
    const s = await setup();
    const file = s.folder.join('model.cfg');
    await fs.writeFile(file, 'version one');
    await s.log.waitFor('published', (e) => e.path === 'model.cfg');
    await fs.writeFile(file, 'version two');
    await s.log.waitFor('published', (e) => e.path === 'model.cfg' && e.sha256 === sha256('version two'));

    s.watcher.suppressNext(file, sha256('version one'), 'v-rollback');
    await writeAtomically(file, 'version one');
    await s.log.waitFor('skipped', (e) => e.path === 'model.cfg' && e.reason === 'written-back');
    await waitForIdle(s.watcher);
    expect(s.publisher.published('model.cfg')).toHaveLength(2);

    await fs.writeFile(file, 'version three');
    await s.log.waitFor('published', (e) => e.path === 'model.cfg' && e.sha256 === sha256('version three'));
    expect(s.publisher.published().map((c) => c.request.artifactPath)).toEqual(['model.cfg', 'model.cfg', 'model.cfg']);
  });

  it('never publishes ignored files: defaults, .cairnignore (reloaded), collection rules', async () => {
    const s = await setup({
      extraIgnoreRules: ['*.ckpt-partial'],
      before: async (folder) => {
        await folder.write('.cairnignore', 'build/\n*.log\n');
      },
    });
    await s.folder.write('.DS_Store', 'x');
    await s.folder.write('scratch.tmp', 'x');
    await s.folder.write('.git/config', 'x');
    await s.folder.write('notes.txt.swp', 'x');
    await s.folder.write('~$report.docx', 'x');
    await s.folder.write('build/output.o', 'x');
    await s.folder.write('run.log', 'x');
    await s.folder.write('weights.ckpt-partial', 'x');
    await s.folder.write('keep.txt', 'kept');
    await s.log.waitFor('published', (e) => e.path === 'keep.txt');

    // A rule added to .cairnignore applies from then on.
    await fs.appendFile(s.folder.join('.cairnignore'), 'secret.txt\n');
    await s.log.waitFor('reconciled', () => s.log.of('reconciled').length >= 2);
    await s.folder.write('secret.txt', 'x');
    await s.folder.write('also-kept.txt', 'kept');
    await s.log.waitFor('published', (e) => e.path === 'also-kept.txt');
    await waitForIdle(s.watcher);

    expect(s.publisher.published().map((c) => c.request.artifactPath).sort()).toEqual(['also-kept.txt', 'keep.txt']);
    expect(s.log.of('skipped').some((e) => e.reason === 'ignored' && e.path === 'secret.txt')).toBe(true);
  });

  it('publishes nothing after a restart when nothing changed, and catches up with what did', async () => {
    const s = await setup();
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'd.txt']) await s.folder.write(name, `content of ${name}`);
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'd.txt']) await s.log.waitFor('published', (e) => e.path === name);
    await waitForIdle(s.watcher);
    await s.watcher.stop();

    const first = restarted(s);
    const result = await first.watcher.start();
    expect(result).toMatchObject({ status: 'watching', reconcile: { scanned: 4, unchanged: 4, scheduled: 0, missing: 0 } });
    await waitForIdle(first.watcher);
    expect(s.publisher.published()).toHaveLength(4);
    await first.watcher.stop();

    // While nobody watches: one changed, one deleted, one added.
    await s.folder.write('a.txt', 'changed while stopped');
    await fs.rm(s.folder.join('b.txt'));
    await s.folder.write('e.txt', 'added while stopped');
    const second = restarted(s);
    const caughtUp = await second.watcher.start();
    expect(caughtUp).toMatchObject({ status: 'watching', reconcile: { scanned: 4, unchanged: 2, scheduled: 2, missing: 1 } });
    await second.log.waitFor('published', (e) => e.path === 'a.txt');
    await second.log.waitFor('published', (e) => e.path === 'e.txt');
    await second.log.waitFor('deleted', (e) => e.path === 'b.txt');
    await waitForIdle(second.watcher);
    expect(s.publisher.published()).toHaveLength(6);
  });

  it('publishes nothing for a stat-only change (touch)', async () => {
    const s = await setup();
    const file = await s.folder.write('touched.txt', 'same bytes');
    await s.log.waitFor('published', (e) => e.path === 'touched.txt');
    const later = new Date(Date.now() + 60_000);
    await fs.utimes(file, later, later);
    await s.log.waitFor('skipped', (e) => e.path === 'touched.txt' && e.reason === 'unchanged');
    await waitForIdle(s.watcher);
    expect(s.publisher.published('touched.txt')).toHaveLength(1);
  });

  it('in bundle mode publishes one bundle for several files changed in a subfolder', async () => {
    const s = await setup({ bundles: true });
    await s.folder.write('llama/config.json', '{"layers": 2}');
    await s.folder.write('llama/weights/part-1.bin', 'aaaa');
    await s.folder.write('llama/weights/part-2.bin', 'bbbb');
    await s.folder.write('README.md', 'top-level file');
    await s.log.waitFor('published', (e) => e.path === 'llama' && e.kind === 'bundle');
    await s.log.waitFor('published', (e) => e.path === 'README.md' && e.kind === 'file');
    await waitForIdle(s.watcher);
    expect(s.publisher.published('llama')).toHaveLength(1);

    await s.folder.write('llama/weights/part-1.bin', 'AAAA');
    await s.folder.write('llama/weights/part-2.bin', 'BBBB');
    await s.folder.write('llama/tokenizer.json', '{}');
    await s.log.waitFor('published', (e) => e.path === 'llama' && s.publisher.published('llama').length === 2);
    await waitForIdle(s.watcher);
    expect(s.publisher.published('llama')).toHaveLength(2);
    expect(s.publisher.published('llama')[1]!.request).toMatchObject({ kind: 'bundle', absolutePath: s.folder.join('llama') });
    expect(s.publisher.published().filter((c) => c.request.artifactPath.startsWith('llama/'))).toEqual([]);

    // A renamed bundle folder keeps its history.
    await fs.rename(s.folder.join('llama'), s.folder.join('llama-v2'));
    await s.log.waitFor('renamed', (e) => e.from === 'llama' && e.to === 'llama-v2');
    await waitForIdle(s.watcher);
    expect(s.publisher.published('llama-v2')).toHaveLength(0);
  });

  it('survives the folder disappearing and coming back, tombstoning nothing and catching up', async () => {
    const s = await setup();
    await s.folder.write('data.csv', 'a,b\n1,2\n');
    await s.log.waitFor('published', (e) => e.path === 'data.csv');
    await waitForIdle(s.watcher);

    const away = `${s.folder.path}-unplugged`;
    await fs.rename(s.folder.path, away);
    await s.log.waitFor('folder-missing');
    expect(s.watcher.state).toBe('missing');
    await fs.writeFile(path.join(away, 'data.csv'), 'a,b\n1,2\n3,4\n');
    await fs.rename(away, s.folder.path);

    await s.log.waitFor('folder-back');
    await s.log.waitFor('published', (e) => e.path === 'data.csv' && e.sha256 === sha256('a,b\n1,2\n3,4\n'));
    await waitForIdle(s.watcher);
    expect(s.publisher.ops('markDeleted')).toEqual([]);
    expect(s.watcher.state).toBe('watching');
  });

  it('starts on a folder that is not there yet and reconciles when it appears', async () => {
    const parent = await makeTempDir('watch-later');
    const state = await makeTempDir('watch-state');
    temps.push(parent, state);
    const log = new EventLog();
    const publisher = new FakePublisher();
    const watcher = newWatcher({ folder: folderSettings(parent.join('usb-drive')), statCachePath: state.join('cache.json'), publisher, log });
    watchers.push(watcher);
    expect(await watcher.start()).toEqual({ status: 'missing' });
    await log.waitFor('folder-missing');

    await parent.write('usb-drive/photo.jpg', 'jpeg bytes');
    await log.waitFor('folder-back');
    await log.waitFor('published', (e) => e.path === 'photo.jpg');
    expect(watcher.state).toBe('watching');
  });

  it('tombstones nothing when the whole folder is deleted, and catches up when it is back', async () => {
    const s = await setup();
    await s.folder.write('a.txt', 'a');
    await s.folder.write('sub/b.txt', 'b');
    await s.log.waitFor('published', (e) => e.path === 'a.txt');
    await s.log.waitFor('published', (e) => e.path === 'sub/b.txt');
    await waitForIdle(s.watcher);

    await fs.rm(s.folder.path, { recursive: true });
    await s.log.waitFor('folder-missing');
    await delay(2000); // longer than the rename window: nothing may be tombstoned meanwhile
    expect(s.publisher.ops('markDeleted')).toEqual([]);

    // It comes back (a new folder: new inode or birth time) with one file edited.
    await s.folder.write('a.txt', 'a');
    await s.folder.write('sub/b.txt', 'b, edited');
    await s.log.waitFor('folder-back');
    await s.log.waitFor('published', (e) => e.path === 'sub/b.txt' && e.sha256 === sha256('b, edited'));
    await waitForIdle(s.watcher);
    expect(s.publisher.published('a.txt')).toHaveLength(1); // a new inode, but the same content
    expect(s.publisher.ops('markDeleted')).toEqual([]);
    expect(s.watcher.state).toBe('watching');
  });

  it('watches a folder deleted and created again at once (inode number reused) afresh', async () => {
    const s = await setup();
    await s.folder.write('old.txt', 'old');
    await s.log.waitFor('published', (e) => e.path === 'old.txt');
    await waitForIdle(s.watcher);
    await fs.rm(s.folder.path, { recursive: true });
    await fs.mkdir(s.folder.path);
    await s.folder.write('new.txt', 'new');
    await s.log.waitFor('published', (e) => e.path === 'new.txt');
    await s.log.waitFor('deleted', (e) => e.path === 'old.txt');
    // The new folder is really watched, not a dead watch on the deleted one.
    await s.folder.write('later.txt', 'later');
    await s.log.waitFor('published', (e) => e.path === 'later.txt');
  });

  it('reports a file that keeps changing, then publishes it once it settles', async () => {
    const s = await setup({ timing: { settleMs: 200, maxSettleMs: 800 } });
    const file = s.folder.join('growing.log.txt');
    const handle = await fs.open(file, 'w');
    const until = Date.now() + 2000;
    while (Date.now() < until) {
      await handle.write('line\n');
      await delay(50);
    }
    await handle.close();
    await s.log.waitFor('unsettled', (e) => e.path === 'growing.log.txt');
    await s.log.waitFor('published', (e) => e.path === 'growing.log.txt');
    await waitForIdle(s.watcher);
    expect(s.publisher.published('growing.log.txt')).toHaveLength(1);
  });

  it('skips files over the size limit and reports why', async () => {
    const s = await setup({ maxFileSize: 10 });
    await s.folder.write('big.bin', 'more than ten bytes');
    await s.folder.write('small.bin', 'tiny');
    const skipped = await s.log.waitFor('skipped', (e) => e.path === 'big.bin');
    expect(skipped.reason).toBe('too-large');
    await s.log.waitFor('published', (e) => e.path === 'small.bin');
    expect(s.publisher.published('big.bin')).toEqual([]);
  });

  it('reports publisher refusals as blocked and read failures as errors, per file', async () => {
    const s = await setup();
    s.publisher.failWith = new CairnError('ILLEGAL_TRANSITION', 'Version v9 cannot go from "published" to "draft".');
    await s.folder.write('locked.txt', 'x');
    const blocked = await s.log.waitFor('blocked', (e) => e.path === 'locked.txt');
    expect(blocked.code).toBe('ILLEGAL_TRANSITION');

    s.publisher.failWith = Object.assign(new Error(`EACCES: permission denied, open '${s.folder.join('private.txt')}'`), { code: 'EACCES', syscall: 'open' });
    await s.folder.write('private.txt', 'x');
    const error = await s.log.waitFor('error', (e) => e.path === 'private.txt');
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.message).toContain('private.txt');

    // Nothing was recorded, so the next change (or restart) tries again.
    s.publisher.failWith = null;
    await s.folder.write('private.txt', 'y');
    await s.log.waitFor('published', (e) => e.path === 'private.txt');
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable file as a permission error and keeps watching', async () => {
    const s = await setup();
    await s.folder.write('mine.txt', 'v1');
    await s.log.waitFor('published', (e) => e.path === 'mine.txt');
    await fs.chmod(s.folder.join('mine.txt'), 0o000);
    await fs.appendFile(s.folder.join('mine.txt'), 'v2').catch(() => undefined);
    await fs.utimes(s.folder.join('mine.txt'), new Date(), new Date());
    const error = await s.log.waitFor('error', (e) => e.path === 'mine.txt');
    expect(error.code).toBe('PERMISSION_DENIED');
    await s.folder.write('other.txt', 'fine');
    await s.log.waitFor('published', (e) => e.path === 'other.txt');
  });
});
