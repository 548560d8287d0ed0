import { afterEach, describe, expect, it } from 'vitest';
import { catalogueContents, SyncWorld, type Device } from './sync-harness';

let world: SyncWorld;
afterEach(async () => {
  await world.stop();
});

const minute = 60_000;
const day = 24 * 60 * minute;

async function work(device: Device, round: number, operations: number): Promise<void> {
  for (let i = 0; i < operations; i += 1) await device.record(`${device.name}-${(round * operations + i) % 7}.txt`, `${device.name} ${round} ${i}`, device.name);
}

describe('compaction in the shared bucket', () => {
  it('keeps the number of manifest objects bounded, and a device offline through it catches up from snapshots', { timeout: 120_000 }, async () => {
    world = new SyncWorld({ compactAfterUpdates: 5, minCompactionIntervalMs: 0, manifestGraceMs: minute, offlineAfterMs: 10 * day });
    await world.start();
    const a = await world.founder('a');
    await a.sync();
    const b = await world.joiner('b');
    const c = await world.joiner('c');
    const devices = [a, b, c];
    const count = async () => (await world.bucket.keys('manifest/')).length;

    let written = 0;
    const perRound: number[] = [];
    for (let round = 0; round < 12; round += 1) {
      for (const device of devices) {
        await work(device, round, 3);
        written += 3;
      }
      for (const device of devices) await device.sync();
      world.clock.advance(2 * minute);
      perRound.push(await count());
    }
    const bound = devices.length * (5 + 3 + 2) + 3;
    console.log(`manifest objects in the bucket after each round: ${perRound.join(' ')} (${written} updates written, bound ${bound})`);
    expect(Math.max(...perRound.slice(4))).toBeLessThanOrEqual(bound);
    expect(perRound.at(-1)).toBeLessThan(written / 3);

    // c goes offline; a and b go on for 11 days (longer than the offline limit) and compact.
    const cId = c.engine.vault.info()!.deviceId;
    for (let round = 12; round < 18; round += 1) {
      for (const device of [a, b]) await work(device, round, 3);
      for (const device of [a, b]) await device.sync();
      world.clock.advance(2 * day);
    }
    for (const device of [a, b]) await device.sync(true);
    world.clock.advance(2 * minute);
    for (const device of [a, b]) await device.sync();
    const status = await a.call('sync.status', {});
    expect(status.devices.find((d) => d.deviceId === cId)?.offlineTooLong).toBe(true);
    expect(status.warnings.some((w) => w.includes(cId.slice(0, 8)) && w.includes('catches up from snapshots'))).toBe(true);
    // a no longer waited for c: updates c never read are gone from the bucket.
    const aId = a.engine.vault.info()!.deviceId;
    const aKeys = await world.bucket.keys(`manifest/${aId}/`);
    const cReadOfA = (await c.call('sync.status', {})).devices.find((d) => d.deviceId === aId)!.readThrough;
    expect(Number(aKeys[0]?.split('/').at(-1) ?? Infinity)).toBeGreaterThan(cReadOfA + 1);
    console.log(`after 11 days without c: ${await count()} manifest objects in the bucket; a's oldest update there is ${aKeys[0] ?? 'none'}, c had read a through ${cReadOfA}`);

    const back = await c.sync();
    expect(back.snapshotsApplied).toBeGreaterThan(0);
    await a.sync();
    await b.sync();
    await c.sync();
    const contents = devices.map((d) => catalogueContents(d.catalogue()));
    expect(contents[2]).toEqual(contents[0]);
    expect(contents[1]).toEqual(contents[0]);
    expect((await c.call('sync.status', {})).waiting).toBe(false);
  });

  it('waits for a device that is behind but not offline too long', async () => {
    world = new SyncWorld({ compactAfterUpdates: 2, minCompactionIntervalMs: 0, manifestGraceMs: minute, offlineAfterMs: 10 * day });
    await world.start();
    const a = await world.founder('a');
    await a.sync();
    const b = await world.joiner('b');
    const aId = a.engine.vault.info()!.deviceId;
    const bRead = async () => (await b.call('sync.status', {})).devices.find((d) => d.deviceId === aId)!.readThrough;
    const readBefore = await bRead();
    for (let round = 0; round < 4; round += 1) {
      await work(a, round, 3);
      await a.sync();
      world.clock.advance(day);
    }
    await a.sync(true);
    world.clock.advance(day);
    await a.sync();
    // Every update b has not read is still there for it.
    const seqs = (await world.bucket.keys(`manifest/${aId}/`)).map((k) => Number(k.split('/').at(-1)));
    expect(Math.min(...seqs)).toBeLessThanOrEqual(readBefore + 1);
    const round = await b.sync();
    expect(round.snapshotsApplied).toBe(0);
    expect(catalogueContents(b.catalogue())).toEqual(catalogueContents(a.catalogue()));
  });

  it('two devices compacting at the same time is safe: snapshots are just more objects', { timeout: 120_000 }, async () => {
    world = new SyncWorld({ compactAfterUpdates: 1_000, manifestGraceMs: 0 });
    await world.start();
    const a = await world.founder('a');
    await a.sync();
    const b = await world.joiner('b');
    const c = await world.joiner('c');
    await work(a, 0, 4);
    await work(b, 0, 4);
    await Promise.all([a.sync(), b.sync()]);
    await work(a, 1, 2);
    await work(b, 1, 2);
    const [ra, rb] = await Promise.all([a.sync(true), b.sync(true)]);
    expect(ra.compacted).not.toBeNull();
    expect(rb.compacted).not.toBeNull();
    expect((await world.bucket.keys('manifest/snapshots/')).length).toBeGreaterThanOrEqual(2);
    for (let pass = 0; pass < 2; pass += 1) for (const device of [a, b, c]) await device.sync();
    const contents = [a, b, c].map((d) => catalogueContents(d.catalogue()));
    expect(contents[1]).toEqual(contents[0]);
    expect(contents[2]).toEqual(contents[0]);
    expect(contents[0]!.versions).toHaveLength(12);
  });
});
