import { afterEach, describe, expect, it } from 'vitest';
import { catalogueContents, SyncWorld } from './sync-harness';

let world: SyncWorld;
afterEach(async () => {
  await world.stop();
});

describe('a tampered manifest object in the bucket', { timeout: 120_000 }, () => {
  it('is refused and reported on every device that reads it, and the rest syncs', async () => {
    world = new SyncWorld();
    await world.start();
    const a = await world.founder('a');
    await a.record('one.txt', '1\n');
    await a.sync();
    const b = await world.joiner('b');
    const c = await world.joiner('c');

    // Three changes on a, each its own manifest object; the second one is altered in the bucket.
    const before = new Set(await world.bucket.keys(`manifest/${a.engine.vault.info()!.deviceId}/`));
    await a.catalogue().tag('one.txt', { add: ['first'] });
    await a.catalogue().tag('one.txt', { add: ['second'] });
    await a.catalogue().tag('one.txt', { add: ['third'] });
    await a.sync();
    const fresh = (await world.bucket.keys(`manifest/${a.engine.vault.info()!.deviceId}/`)).filter((k) => !before.has(k)).sort();
    expect(fresh).toHaveLength(3);
    const victim = fresh[1]!;
    const bytes = await world.bucket.client.get(victim);
    bytes[bytes.length >> 1]! ^= 0x40;
    await world.bucket.client.put(victim, bytes);

    await c.record('from-c.txt', 'c\n');
    await c.sync();
    const roundB = await b.sync();
    await c.sync();

    expect(roundB.refused.map((r) => r.key)).toEqual([victim]);
    expect(roundB.refused[0]!.reason).toMatch(/authentication failed/);
    for (const device of [b, c]) {
      const status = await device.call('sync.status', {});
      expect(status.quarantined.map((q) => q.key)).toEqual([victim]);
      const names = catalogueContents(device.catalogue()).artifacts.map((x) => x.name).sort();
      expect(names).toEqual(['from-c.txt', 'one.txt']);
      // The change before the bad one arrived; the one after it waits for it (same writer, in order).
      expect(device.catalogue().getArtifact('one.txt').tags).toEqual(['first']);
      expect(status.waiting).toBe(true);
    }
    expect(catalogueContents(b.catalogue())).toEqual(catalogueContents(c.catalogue()));
    // A later sync does not read it again.
    const again = await b.sync();
    expect(again.refused).toEqual([]);
  });
});
