import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bytesFor, sha256Of, SyncWorld } from './sync-harness';

let world: SyncWorld;
afterEach(async () => {
  await world.stop();
});

const day = 24 * 60 * 60 * 1000;

async function packsInBucket(): Promise<string[]> {
  return (await world.bucket.keys('packs/')).sort();
}

describe('garbage collection of packs in the shared bucket', () => {
  it('deletes a pack only after every device has seen the tombstones, and the rest still restores everywhere', { timeout: 120_000 }, async () => {
    world = new SyncWorld({ deletionGraceMs: day, manifestGraceMs: 60_000, offlineAfterMs: 30 * day });
    await world.start();
    const a = await world.founder('a');
    const keep = await a.add('keep.bin', bytesFor('keep', 120_000));
    await a.add('drop.bin', bytesFor('drop', 120_000));
    await a.sync();
    const b = await world.joiner('b');
    const c = await world.joiner('c');
    const before = await packsInBucket();
    expect(before).toHaveLength(2);

    await a.catalogue().deleteArtifact('drop.bin', 'not needed');
    await a.sync();
    await b.sync();
    world.clock.advance(2 * day);

    // Nothing is dead inside the grace period of the deletion... (checked above by advancing);
    // now a proposes, and nothing is deleted before everyone has answered.
    const proposed = await a.call('sync.gc', {});
    expect(proposed.proposal?.packs).toBe(1);
    expect(proposed.finished).toBeNull();
    await b.sync(); // b has read the tombstone: it answers
    world.clock.advance(2 * day);
    await a.sync();
    const waiting = await a.call('sync.gc', {});
    expect(waiting.finished).toBeNull();
    expect(waiting.waitingFor).toEqual([c.engine.vault.info()!.deviceId]);
    expect(await packsInBucket()).toEqual(before);

    await c.sync(); // c reads the tombstone and answers
    // a's next round sees every answer and finishes its proposal.
    expect((await a.sync()).gc.packsDeleted).toBe(1);
    const after = await packsInBucket();
    expect(after).toHaveLength(1);
    console.log(`packs in the bucket: ${before.length} before, ${after.length} after GC`);

    // A device that joins now still restores what is live, byte-identical.
    const d = await world.joiner('d');
    const out = await world.tempDir('out-d');
    await d.call('catalogue.restoreTo', { version: keep.id, target: out.path, anyStatus: true });
    expect(await sha256Of(path.join(out.path, 'keep.bin'))).toBe(keep.sha256);
  });

  it('a device that answered stores the same content again instead of relying on a proposed pack', { timeout: 120_000 }, async () => {
    world = new SyncWorld({ deletionGraceMs: day, manifestGraceMs: 60_000 });
    await world.start();
    const a = await world.founder('a');
    await a.add('drop.bin', bytesFor('drop', 120_000));
    await a.sync();
    const b = await world.joiner('b');
    await a.catalogue().deleteArtifact('drop.bin');
    await a.sync();
    world.clock.advance(2 * day);
    await b.sync();
    expect((await a.call('sync.gc', {})).proposal?.packs).toBe(1);
    await b.sync(); // answers: from now on b does not deduplicate into that pack

    const source = await (await world.tempDir('again')).write('again.bin', bytesFor('drop', 120_000));
    const again = await b.call('catalogue.add', { path: source });
    expect(again.bytesNew).toBeGreaterThan(0);
    await b.sync();
    world.clock.advance(2 * day);
    // The content is live again (b stored it anew), so the old pack is judged again and kept.
    const round = await a.sync();
    expect(round.gc.packsDeleted).toBe(0);
    expect((await a.call('sync.gc', {})).proposal).toBeNull();
    expect(await packsInBucket()).toHaveLength(2);
    const out = await world.tempDir('out-a');
    await a.call('catalogue.restoreTo', { version: again.version.id, target: out.path, anyStatus: true });
    expect(await sha256Of(path.join(out.path, 'again.bin'))).toBe(again.version.sha256);
  });
});
