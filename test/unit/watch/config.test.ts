import fs from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { WatchConfigStore } from '../../../src-main/engine/watch/config';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

const temps: TempDir[] = [];
afterEach(async () => {
  for (const t of temps.splice(0)) await t.remove();
});

async function setup() {
  const home = await makeTempDir('watch-config');
  temps.push(home);
  const file = home.join('settings', 'watched-folders.json');
  return { home, file, store: await WatchConfigStore.load(file) };
}

describe('WatchConfigStore', () => {
  it('starts empty, records folders with defaults, and reads them back', async () => {
    const { home, file, store } = await setup();
    expect(store.list()).toEqual([]);
    await fs.mkdir(home.join('models'));
    const added = await store.add({ path: home.join('models'), collection: 'ml', bundles: true, typeRules: [{ glob: '*/', type: 'model' }] });
    expect(added).toMatchObject({ path: home.join('models'), collection: 'ml', mode: 'draft', bundles: true, paused: false });
    expect(added.id).toMatch(/^wf-[0-9a-f]{12}$/);

    const reloaded = await WatchConfigStore.load(file);
    expect(reloaded.list()).toEqual([added]);
    const updated = await reloaded.update(added.id, { mode: 'auto-publish', paused: true });
    expect(updated).toMatchObject({ mode: 'auto-publish', paused: true, bundles: true });
    expect((await WatchConfigStore.load(file)).get(added.id)).toEqual(updated);
    // Written atomically: no temp files left beside it.
    expect(await fs.readdir(home.join('settings'))).toEqual(['watched-folders.json']);
  });

  it('refuses a path that does not exist, is a file, is already watched, or overlaps a watched folder', async () => {
    const { home, store } = await setup();
    await fs.mkdir(home.join('docs', 'inner'), { recursive: true });
    await home.write('a-file.txt', 'x');
    await store.add({ path: home.join('docs'), collection: 'c' });

    await expect(store.add({ path: home.join('nowhere'), collection: 'c' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('nowhere') });
    await expect(store.add({ path: home.join('a-file.txt'), collection: 'c' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('is a file') });
    await expect(store.add({ path: home.join('docs'), collection: 'c' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(store.add({ path: home.join('docs', 'inner'), collection: 'c' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('is inside') });
    await expect(store.add({ path: home.path, collection: 'c' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('contains') });
    // A sibling whose name merely starts the same is not inside.
    await fs.mkdir(home.join('docs-2'));
    await expect(store.add({ path: home.join('docs-2'), collection: 'c' })).resolves.toMatchObject({ path: home.join('docs-2') });
  });

  it('resolves symlinks, so the same folder under another name is already watched', async () => {
    const { home, store } = await setup();
    await fs.mkdir(home.join('real'));
    await fs.symlink(home.join('real'), home.join('alias'));
    await store.add({ path: home.join('real'), collection: 'c' });
    await expect(store.add({ path: home.join('alias'), collection: 'c' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('rejects invalid settings with the field named', async () => {
    const { home, store } = await setup();
    await fs.mkdir(home.join('x'));
    await expect(store.add({ path: home.join('x'), collection: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('collection') });
    const added = await store.add({ path: home.join('x'), collection: 'c' });
    await expect(store.update(added.id, { maxFileSize: -1 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('maxFileSize') });
    await expect(store.update(added.id, { path: '/elsewhere' } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.update('wf-none', { paused: true })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('wf-none') });
  });

  it('reports a damaged settings file instead of starting over silently', async () => {
    const { file } = await setup();
    await fs.mkdir(file.slice(0, file.lastIndexOf('/')), { recursive: true });
    await fs.writeFile(file, '{"format":"cairn-watched-folders","version":1,"folders":[{"id":"x"}]}');
    await expect(WatchConfigStore.load(file)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringContaining(file) });
    await fs.writeFile(file, '{ not json');
    await expect(WatchConfigStore.load(file)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringContaining('not valid JSON') });
  });
});
