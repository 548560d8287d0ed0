import { describe, expect, it } from 'vitest';
import { contentOf, digest, makeCatalogue, manualClock } from './harness';

describe('Catalogue.addVersion', () => {
  it('creates the artifact with v1, typed by extension, provenance kept', async () => {
    const catalogue = makeCatalogue();
    const { version, created } = await catalogue.addVersion({
      collection: 'models',
      name: 'llama.gguf',
      ...contentOf('llama-1', 4096),
      message: 'first',
      provenance: { sourcePath: '/home/me/llama.gguf', host: 'laptop', tool: 'cairn add' },
    });
    expect(created).toBe(true);
    expect(version).toMatchObject({ collection: 'models', name: 'llama.gguf', number: 1, status: 'draft', isHead: true, size: 4096, message: 'first', restoredFrom: null, parentVersionId: null });
    expect(version.provenance).toEqual({ sourcePath: '/home/me/llama.gguf', host: 'laptop', tool: 'cairn add' });
    expect(catalogue.getArtifact('models/llama.gguf')).toMatchObject({ type: 'model', headVersionId: version.id, headNumber: 1, versionCount: 1, deleted: false });
  });

  it('publishing identical content twice makes one version', async () => {
    const catalogue = makeCatalogue();
    const first = await catalogue.addVersion({ name: 'data.csv', ...contentOf('d1') });
    const again = await catalogue.addVersion({ name: 'data.csv', ...contentOf('d1'), message: 'same bytes' });
    expect(again.created).toBe(false);
    expect(again.version.id).toBe(first.version.id);
    expect(catalogue.listVersions('data.csv').versions).toHaveLength(1);
  });

  it('new content makes the next version, parented on the head', async () => {
    const clock = manualClock();
    const catalogue = makeCatalogue({ now: clock.now });
    const v1 = await catalogue.addVersion({ name: 'notes.md', ...contentOf('n1') });
    const v2 = await catalogue.addVersion({ name: 'notes.md', ...contentOf('n2') });
    // Same content as v1 but not the head's: a new version (v3), like any other change.
    const v3 = await catalogue.addVersion({ name: 'notes.md', ...contentOf('n1') });
    expect([v1.version.number, v2.version.number, v3.version.number]).toEqual([1, 2, 3]);
    expect(v2.version.parentVersionId).toBe(v1.version.id);
    expect(v3.created).toBe(true);
    expect(catalogue.getArtifact('notes.md').headVersionId).toBe(v3.version.id);
  });

  it('orders versions after the newest even when the clock goes backwards', async () => {
    const clock = manualClock(Date.UTC(2025, 5, 1));
    const catalogue = makeCatalogue({ now: clock.now });
    await catalogue.addVersion({ name: 'a.txt', ...contentOf('1') });
    clock.advance(-3_600_000);
    const second = await catalogue.addVersion({ name: 'a.txt', ...contentOf('2') });
    expect(second.version.number).toBe(2);
    expect(second.version.isHead).toBe(true);
  });

  it.each([
    ['file', 'weights.unknownext'],
    ['model', 'm.safetensors'],
    ['dataset', 'table.parquet'],
    ['document', 'Report.PDF'],
  ])('types %s from the name %s', async (type, name) => {
    const catalogue = makeCatalogue();
    await catalogue.addVersion({ name, ...contentOf(name) });
    expect(catalogue.getArtifact(name).type).toBe(type);
  });

  it('takes an explicit type for a new artifact and refuses a different one later', async () => {
    const catalogue = makeCatalogue();
    await catalogue.addVersion({ name: 'system.txt', type: 'prompt', ...contentOf('p1') });
    expect(catalogue.getArtifact('system.txt').type).toBe('prompt');
    await expect(catalogue.addVersion({ name: 'system.txt', type: 'document', ...contentOf('p2') })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(catalogue.addVersion({ name: 'other.txt', type: 'nonsense', ...contentOf('p3') })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('nonsense') });
  });

  it('refuses bad input with a clear error and writes nothing', async () => {
    const catalogue = makeCatalogue();
    const updates: Uint8Array[] = [];
    catalogue.index.maps.versions.doc?.on('updateV2', (u: Uint8Array) => updates.push(u));
    const good = { name: 'ok.bin', ...contentOf('ok') };
    const bad = [
      { ...good, name: '' },
      { ...good, name: 'a/b' },
      { ...good, name: ' padded' },
      { ...good, name: 'x\u0000y' },
      { ...good, collection: 'Upper' },
      { ...good, treeId: 'abc' },
      { ...good, sha256: digest('x').toUpperCase() },
      { ...good, size: -1 },
      { ...good, size: 1.5 },
      { ...good, message: 'm'.repeat(10_001) },
    ];
    for (const input of bad) await expect(catalogue.addVersion(input)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(updates).toEqual([]);
    expect(catalogue.listArtifacts().total).toBe(0);
  });

  it('brings a deleted artifact back when content is added again', async () => {
    const catalogue = makeCatalogue();
    await catalogue.addVersion({ name: 'gone.md', ...contentOf('g1') });
    await catalogue.deleteArtifact('gone.md', 'oops');
    expect(catalogue.listArtifacts().total).toBe(0);
    const again = await catalogue.addVersion({ name: 'gone.md', ...contentOf('g1') });
    expect(again.created).toBe(false);
    expect(catalogue.getArtifact('gone.md').deleted).toBe(false);
    expect(catalogue.listEvents({ artifact: 'gone.md', kinds: ['restored'] }).items).toHaveLength(1);
  });
});
