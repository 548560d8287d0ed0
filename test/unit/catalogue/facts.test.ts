import { describe, expect, it } from 'vitest';
import { contentOf, makeCatalogue } from './harness';

describe('artifact facts', () => {
  it('tags: adds and removes, ignores no-ops, records one event per change', async () => {
    const catalogue = makeCatalogue();
    await catalogue.addVersion({ name: 'm.gguf', ...contentOf('m') });
    expect((await catalogue.tag('m.gguf', { add: ['prod', 'llm', 'prod'] })).tags).toEqual(['llm', 'prod']);
    expect((await catalogue.tag('m.gguf', { add: ['llm'], remove: ['prod', 'never-there'] })).tags).toEqual(['llm']);
    await catalogue.tag('m.gguf', { add: ['llm'] });
    const events = catalogue.listEvents({ artifact: 'm.gguf', kinds: ['tagged'] }).items;
    expect(events.map((e) => e.details)).toEqual([
      { added: [], removed: ['prod'] },
      { added: ['prod', 'llm'], removed: [] },
    ]);
    await expect(catalogue.tag('m.gguf', { add: ['bad tag'] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(catalogue.tag('m.gguf', { add: ['x'], remove: ['x'] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('metadata: description, license, type and free keys; null clears', async () => {
    const catalogue = makeCatalogue();
    await catalogue.addVersion({ name: 'w.bin', ...contentOf('w') });
    const edited = await catalogue.editMetadata('w.bin', { description: 'weights', license: 'MIT', type: 'dataset', metadata: { epochs: '3', owner: 'ana' } });
    expect(edited).toMatchObject({ description: 'weights', license: 'MIT', type: 'dataset', metadata: { epochs: '3', owner: 'ana' } });
    const cleared = await catalogue.editMetadata('w.bin', { license: null, metadata: { owner: null } });
    expect(cleared).toMatchObject({ description: 'weights', license: null, metadata: { epochs: '3' } });
    expect(catalogue.listEvents({ artifact: 'w.bin', kinds: ['metadata_changed'] }).items[0]?.details).toEqual({ changes: { license: null, 'x.owner': null } });
    await expect(catalogue.editMetadata('w.bin', { type: 'unknown-type' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(catalogue.editMetadata('w.bin', { metadata: { '1bad': 'x' } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('lineage links between versions, both directions, removable', async () => {
    const catalogue = makeCatalogue();
    await catalogue.addVersion({ collection: 'data', name: 'train.parquet', ...contentOf('t') });
    await catalogue.addVersion({ collection: 'models', name: 'm.gguf', ...contentOf('m') });
    await catalogue.addVersion({ collection: 'models', name: 'm.gguf', ...contentOf('m2') });
    const links = await catalogue.link('models/m.gguf@v2', 'trained_on', 'data/train.parquet');
    await catalogue.link('models/m.gguf@v2', 'supersedes', 'models/m.gguf@v1');
    expect(links).toEqual([{ kind: 'trained_on', versionId: catalogue.getVersion('data/train.parquet').id, reference: 'data/train.parquet@v1' }]);
    const detail = catalogue.versionDetail('models/m.gguf@v1');
    expect(detail.incomingLinks).toEqual([{ kind: 'supersedes', versionId: catalogue.getVersion('models/m.gguf@v2').id, reference: 'models/m.gguf@v2' }]);
    expect(await catalogue.link('models/m.gguf@v2', 'trained_on', 'data/train.parquet', { remove: true })).toHaveLength(1);
    expect(catalogue.versionDetail('data/train.parquet').incomingLinks).toEqual([]);
    await expect(catalogue.link('models/m.gguf@v2', 'derived_from', 'models/m.gguf@v2')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('rollback makes a new head version with the old content and no new bytes', async () => {
    const catalogue = makeCatalogue();
    const v1 = (await catalogue.addVersion({ name: 'cfg.txt', ...contentOf('c1', 10) })).version;
    await catalogue.addVersion({ name: 'cfg.txt', ...contentOf('c2', 20) });
    const { version, created } = await catalogue.rollback('cfg.txt', 1);
    expect(created).toBe(true);
    expect(version).toMatchObject({ number: 3, treeId: v1.treeId, sha256: v1.sha256, size: 10, restoredFrom: v1.id, isHead: true, message: 'Rolled back to v1' });
    expect(catalogue.listEvents({ artifact: 'cfg.txt', kinds: ['rolled_back'] }).items[0]?.details).toMatchObject({ restoredFrom: v1.id, restoredNumber: 1 });
    // Rolling back to what the head already holds changes nothing.
    expect(await catalogue.rollback('cfg.txt', 1)).toMatchObject({ created: false, version: { number: 3 } });
    await expect(catalogue.rollback('cfg.txt', 9)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // sha256 references pick the newest version with that content.
    expect(catalogue.getVersion(`cfg.txt@sha256:${v1.sha256.slice(0, 8)}`).number).toBe(3);
  });

  it('deleting an artifact is a tombstone that can be undone', async () => {
    const catalogue = makeCatalogue();
    await catalogue.addVersion({ name: 'tmp.csv', ...contentOf('tmp') });
    const deleted = await catalogue.deleteArtifact('tmp.csv', 'not needed');
    expect(deleted).toMatchObject({ deleted: true });
    expect(catalogue.listArtifacts().total).toBe(0);
    expect(catalogue.listArtifacts({ includeDeleted: true }).total).toBe(1);
    expect(catalogue.getVersion('tmp.csv@v1').deleted).toBe(true);
    await expect(catalogue.tag('tmp.csv', { add: ['x'] })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await catalogue.restoreArtifact('tmp.csv')).deleted).toBe(false);
    expect(catalogue.listEvents({ artifact: 'tmp.csv' }).items.map((e) => e.kind)).toEqual(['restored', 'deleted', 'created']);
  });

  it('forgetting the head version moves the head back; restoring it moves it forward', async () => {
    const catalogue = makeCatalogue();
    await catalogue.addVersion({ name: 'h.md', ...contentOf('h1') });
    await catalogue.addVersion({ name: 'h.md', ...contentOf('h2') });
    await catalogue.forgetVersions(['h.md@v2'], 'test');
    expect(catalogue.getArtifact('h.md')).toMatchObject({ headNumber: 1, versionCount: 2 });
    expect(catalogue.listVersions('h.md', { includeDeleted: false }).versions.map((v) => v.number)).toEqual([1]);
    await catalogue.restoreVersions(['h.md@v2']);
    expect(catalogue.getArtifact('h.md').headNumber).toBe(2);
  });

  it('records events from other areas, but never a "created" one', async () => {
    const catalogue = makeCatalogue();
    const event = await catalogue.recordEvent('backup_run', {}, { endpoint: 'b2', ok: true });
    expect(catalogue.listEvents({ kinds: ['backup_run'] }).items).toEqual([event]);
    await expect(catalogue.recordEvent('created' as 'backup_run', {}, {})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('registers its device', async () => {
    const catalogue = makeCatalogue({ deviceId: 'dev-1' });
    await catalogue.registerDevice('Ana laptop');
    expect(catalogue.index.devices.get('dev-1')).toMatchObject({ name: 'Ana laptop', host: 'test-host' });
  });
});
