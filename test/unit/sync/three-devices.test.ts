import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '../../../src-shared/contract';
import { bytesFor, catalogueContents, sha256Of, SyncWorld, type Device } from './sync-harness';

let world: SyncWorld;
afterEach(async () => {
  await world.stop();
});

async function syncAll(devices: Device[], passes = 2): Promise<void> {
  for (let pass = 0; pass < passes; pass += 1) for (const device of devices) await device.sync();
}

describe('three devices, one bucket', () => {
  it('merges offline work of three devices into one catalogue, and every version restores byte-identical everywhere', { timeout: 120_000 }, async () => {
    world = new SyncWorld();
    await world.start();
    const a = await world.founder('a');
    await a.add('model.bin', bytesFor('model-1', 200_000), 'models');
    await a.add('notes.md', '# notes\n', 'docs');
    await a.sync();

    const b = await world.joiner('b');
    const c = await world.joiner('c');
    expect(catalogueContents(b.catalogue())).toEqual(catalogueContents(a.catalogue()));
    const ids = new Set([a, b, c].map((d) => d.engine.vault.info()!.deviceId));
    expect(ids.size).toBe(3);
    expect(new Set([a, b, c].map((d) => d.engine.vault.info()!.id)).size).toBe(1);

    // Offline: every device works on its own.
    await a.add('model.bin', bytesFor('model-2', 200_000), 'models');
    await a.catalogue().tag('models/model.bin', { add: ['from-a'] });
    await a.catalogue().setStatus('docs/notes.md@v1', 'on_verification');

    await b.add('data.csv', 'x,y\n1,2\n', 'data');
    await b.add('model.bin', bytesFor('model-b', 150_000), 'models');
    await b.catalogue().rollback('models/model.bin', 1);
    await b.catalogue().tag('models/model.bin', { add: ['from-b'] });

    await c.add('notes.md', '# notes\nmore\n', 'docs');
    await c.catalogue().editMetadata('docs/notes.md', { description: 'written on c' });
    await c.add('scratch.txt', 'temporary\n', 'docs');
    await c.catalogue().deleteArtifact('docs/scratch.txt', 'not needed');

    await syncAll([a, b, c]);
    // What the commands answer is what the contract says.
    commands['sync.now'].output.parse(await a.sync());

    const contents = [a, b, c].map((d) => catalogueContents(d.catalogue()));
    expect(contents[1]).toEqual(contents[0]);
    expect(contents[2]).toEqual(contents[0]);
    const versions = contents[0]!.versions;
    // 2 + (a: 1) + (b: data, model, rollback) + (c: notes, scratch) = 8 versions, none lost.
    expect(versions).toHaveLength(8);
    const model = contents[0]!.artifacts.find((x) => x.name === 'model.bin')!;
    expect(model.tags.sort()).toEqual(['from-a', 'from-b']);
    expect(contents[0]!.artifacts.find((x) => x.name === 'scratch.txt')!.deleted).toBe(true);
    expect(contents[0]!.artifacts.find((x) => x.name === 'notes.md')!.description).toBe('written on c');

    // Every version restores byte-identical on every device (bytes fetched lazily).
    for (const device of [a, b, c]) {
      const out = await world.tempDir(`out-${device.name}`);
      for (const version of versions) {
        const target = out.join(version.id);
        const restored = await device.call('catalogue.restoreTo', { version: version.id, target, anyStatus: true });
        expect(restored.files).toBe(1);
        expect(await sha256Of(path.join(target, version.name))).toBe(version.sha256);
      }
    }
    expect(c.engine.vault.readThrough.fetched.packs).toBeGreaterThan(0);

    const status = commands['sync.status'].output.parse(await c.call('sync.status', {}));
    expect(status.configured).toBe(true);
    expect(status.devices.map((d) => d.deviceId).sort()).toEqual([...ids].sort());
    expect(status.devices.every((d) => d.registered)).toBe(true);
    expect(status.quarantined).toEqual([]);
    const listed = commands['devices.list'].output.parse(await a.call('devices.list', {}));
    expect(listed.devices.filter((d) => d.self)).toHaveLength(1);
  });
});
