import fs from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { WatchService } from '../../../src-main/engine/watch/watch-service';
import { makeTempDir, type TempDir } from '../../helpers/tmp';
import { delay, EventLog, FakePublisher, fastTiming, sha256, writeAtomically } from './watch-helpers';

const temps: TempDir[] = [];
const services: WatchService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const t of temps.splice(0)) await t.remove();
});

async function setup() {
  const home = await makeTempDir('watch-service');
  temps.push(home);
  await fs.mkdir(home.join('inbox'));
  await fs.mkdir(home.join('models'));
  const publisher = new FakePublisher();
  const log = new EventLog();
  const open = async () => {
    const service = await WatchService.open({
      configPath: home.join('config', 'watched-folders.json'),
      stateDir: home.join('state', 'watch'),
      publisher,
      onEvent: log.sink,
      timing: fastTiming,
      collectionIgnoreRules: { ml: ['*.partial'] },
    });
    services.push(service);
    return service;
  };
  return { home, publisher, log, open, service: await open() };
}

/** Long enough for a change to settle and be ingested if anything were watching (several settle periods). */
const settleTime = () => delay(fastTiming.settleMs * 8);

describe('WatchService', () => {
  it('adds, lists and removes folders; settings survive a restart', async () => {
    const { home, service, open, log } = await setup();
    const { folder, start } = await service.add({ path: home.join('inbox'), collection: 'docs', mode: 'auto-publish' });
    expect(start).toMatchObject({ status: 'watching' });
    await log.waitFor('ready', (e) => e.folderId === folder.id);
    expect(service.list()).toEqual([expect.objectContaining({ id: folder.id, state: 'watching' })]);
    await expect(service.add({ path: home.join('inbox', '..', 'inbox'), collection: 'docs' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await service.close();

    const again = await open();
    expect(again.list()).toEqual([expect.objectContaining({ id: folder.id, state: 'stopped' })]);
    const started = await again.start();
    expect(started.get(folder.id)).toMatchObject({ status: 'watching' });
    await again.remove(folder.id);
    expect(again.list()).toEqual([]);
    await expect(again.pause(folder.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('pause stops publishing; resume catches up (per folder and globally)', async () => {
    const { home, service, publisher, log } = await setup();
    const { folder } = await service.add({ path: home.join('inbox'), collection: 'docs', mode: 'auto-publish' });
    await home.write('inbox/first.txt', 'one');
    await log.waitFor('published', (e) => e.path === 'first.txt');

    await service.pause(folder.id);
    expect(service.list()[0]).toMatchObject({ paused: true, state: 'paused' });
    await home.write('inbox/while-paused.txt', 'two');
    await home.write('inbox/first.txt', 'one, edited while paused');
    await settleTime();
    expect(publisher.published().map((c) => c.request.artifactPath)).toEqual(['first.txt']);

    await service.resume(folder.id);
    await log.waitFor('published', (e) => e.path === 'while-paused.txt');
    await log.waitFor('published', (e) => e.path === 'first.txt' && e.sha256 === sha256('one, edited while paused'));

    await service.pause();
    expect(service.paused).toBe(true);
    await home.write('inbox/global.txt', 'three');
    await settleTime();
    expect(publisher.published('global.txt')).toEqual([]);
    await service.resume();
    await log.waitFor('published', (e) => e.path === 'global.txt');
    expect(log.of('paused').length).toBeGreaterThanOrEqual(2);
  });

  it('passes mode, type and kind to the publisher and applies collection ignore rules', async () => {
    const { home, service, publisher, log } = await setup();
    await service.add({ path: home.join('models'), collection: 'ml', mode: 'draft', bundles: true, typeRules: [{ glob: '*/', type: 'model' }] });
    await home.write('models/bert/weights.bin', 'w');
    await home.write('models/bert/download.partial', 'ignored by the collection rule');
    await log.waitFor('published', (e) => e.path === 'bert');
    expect(publisher.published('bert')[0]!.request).toMatchObject({ kind: 'bundle', type: 'model', mode: 'draft', absolutePath: home.join('models', 'bert') });
    expect(publisher.published('bert')[0]!.content).not.toContain('download.partial');

    // New collection rules (a manifest update) apply at once.
    await service.setCollectionIgnoreRules('ml', ['*.partial', '*.bak']);
    await home.write('models/notes.bak', 'x');
    await home.write('models/notes.txt', 'y');
    await log.waitFor('published', (e) => e.path === 'notes.txt');
    expect(publisher.published('notes.bak')).toEqual([]);
  });

  it("applies the folder's own ignore rules with .cairnignore, and changes to them at once", async () => {
    const { home, service, publisher, log, open } = await setup();
    await home.write('inbox/.cairnignore', '*.log\n');
    const { folder } = await service.add({ path: home.join('inbox'), collection: 'docs', mode: 'draft', ignore: ['scratch/', '*.bak'] });
    expect(service.list()[0]).toMatchObject({ ignore: ['scratch/', '*.bak'] });
    await home.write('inbox/scratch/draft.txt', 'ignored by the folder rule');
    await home.write('inbox/old.bak', 'ignored by the folder rule');
    await home.write('inbox/run.log', 'ignored by .cairnignore');
    await home.write('inbox/kept.txt', 'kept');
    await log.waitFor('published', (e) => e.path === 'kept.txt');
    await settleTime();
    expect(publisher.published().map((c) => c.request.artifactPath)).toEqual(['kept.txt']);

    // Changed rules rescan: what they no longer ignore becomes a version.
    await service.update(folder.id, { ignore: ['*.bak'] });
    await log.waitFor('published', (e) => e.path === 'scratch/draft.txt');
    expect(publisher.published('old.bak')).toEqual([]);
    expect(publisher.published('run.log')).toEqual([]);
    await service.close();
    const again = await open();
    expect(again.list()[0]).toMatchObject({ ignore: ['*.bak'] });
    await expect(again.update(folder.id, { ignore: ['a\nb'] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('routes suppressNext to the folder that contains the path', async () => {
    const { home, service, publisher, log } = await setup();
    await service.add({ path: home.join('inbox'), collection: 'docs', mode: 'auto-publish' });
    const file = await home.write('inbox/config.yml', 'a: 1');
    await log.waitFor('published', (e) => e.path === 'config.yml');
    await fs.writeFile(file, 'a: 2');
    await log.waitFor('published', (e) => e.path === 'config.yml' && e.sha256 === sha256('a: 2'));

    expect(service.suppressNext(home.join('elsewhere.txt'), sha256('x'))).toBe(false);
    expect(service.suppressNext(file, sha256('a: 1'), 'v-restored')).toBe(true);
    await writeAtomically(file, 'a: 1');
    await log.waitFor('skipped', (e) => e.path === 'config.yml' && e.reason === 'written-back');
    expect(publisher.published('config.yml')).toHaveLength(2);
  });
});
