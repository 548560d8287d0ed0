import { afterEach, describe, expect, it } from 'vitest';
import { SyncWorld, type Device } from './sync-harness';

let world: SyncWorld;
afterEach(async () => {
  await world.stop();
});

function liveIn(device: Device, collection: string): number {
  return device.catalogue().listArtifacts({ collection, limit: 500 }).total;
}

describe('mass-change tripwire', { timeout: 120_000 }, () => {
  it('holds a batch deleting half of a collection for approval on the other device; approve applies it', async () => {
    world = new SyncWorld();
    await world.start();
    const a = await world.founder('a');
    for (let i = 0; i < 10; i += 1) await a.record(`item-${i}.txt`, `item ${i}\n`, 'team');
    await a.record('other.txt', 'other\n', 'misc');
    await a.sync();
    let b = await world.joiner('b');
    expect(liveIn(b, 'team')).toBe(10);

    // One of ten (10%) is ordinary: applied.
    await a.catalogue().deleteArtifact('team/item-0.txt');
    await a.sync();
    expect((await b.sync()).held).toEqual([]);
    expect(liveIn(b, 'team')).toBe(9);

    // Five of nine (56%): held.
    for (let i = 1; i <= 5; i += 1) await a.catalogue().deleteArtifact(`team/item-${i}.txt`);
    await a.sync();
    const round = await b.sync();
    expect(round.held).toHaveLength(1);
    const held = round.held[0]!;
    expect(held.device).toBe(a.engine.vault.info()!.deviceId);
    expect(held.effects).toEqual([{ collection: 'team', liveArtifacts: 9, removedArtifacts: 5, liveVersions: 9, removedVersions: 5, share: 5 / 9 }]);
    expect(liveIn(b, 'team')).toBe(9);
    expect((await b.call('sync.pending.list', {})).changeSets.map((s) => s.id)).toEqual([held.id]);
    expect((await b.call('sync.status', {})).pending.map((s) => s.id)).toEqual([held.id]);

    // Nothing more is read from that device while its change set waits.
    await a.catalogue().tag('misc/other.txt', { add: ['later'] });
    await a.sync();
    await b.sync();
    expect(b.catalogue().getArtifact('misc/other.txt').tags).toEqual([]);

    // The held change set survives a restart.
    b = await world.restart(b);
    expect((await b.call('sync.pending.list', {})).changeSets.map((s) => s.id)).toEqual([held.id]);
    const approved = await b.call('sync.pending.approve', { id: held.id });
    expect(approved.applied).toBe(5);
    expect(liveIn(b, 'team')).toBe(4);
    expect((await b.call('sync.pending.list', {})).changeSets).toEqual([]);
    await b.sync();
    expect(b.catalogue().getArtifact('misc/other.txt').tags).toEqual(['later']);
  });

  it('reject keeps the collection on this device and the objects stay refused here', async () => {
    world = new SyncWorld();
    await world.start();
    const a = await world.founder('a');
    for (let i = 0; i < 4; i += 1) await a.record(`item-${i}.txt`, `item ${i}\n`, 'team');
    await a.sync();
    const b = await world.joiner('b');
    const c = await world.joiner('c');

    await a.catalogue().batch(async () => {
      for (let i = 0; i < 3; i += 1) await a.catalogue().deleteArtifact(`team/item-${i}.txt`);
    });
    await a.sync();
    const held = (await b.sync()).held[0]!;
    expect(held.effects[0]).toMatchObject({ collection: 'team', removedArtifacts: 3, liveArtifacts: 4 });
    const rejected = await b.call('sync.pending.reject', { id: held.id });
    expect(rejected.quarantined).toBe(1);
    expect(liveIn(b, 'team')).toBe(4);
    const status = await b.call('sync.status', {});
    expect(status.pending).toEqual([]);
    expect(status.quarantined).toEqual([expect.objectContaining({ changeSet: held.id })]);

    // Other devices' changes keep arriving.
    await c.catalogue().tag('team/item-3.txt', { add: ['from-c'] });
    await c.sync();
    await b.sync();
    expect(b.catalogue().getArtifact('team/item-3.txt').tags).toEqual(['from-c']);
    expect(liveIn(b, 'team')).toBe(4);
  });
});
