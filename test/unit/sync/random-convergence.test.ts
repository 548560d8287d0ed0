import { afterEach, describe, expect, it } from 'vitest';
import { CairnError } from '../../../src-shared/errors';
import { versionStatuses, type VersionStatus } from '../../../src-shared/catalogue/lifecycle';
import { catalogueContents, SyncWorld, type Device } from './sync-harness';

/** mulberry32: a small seeded generator, so every run of a seed does the same thing. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const names = ['a.bin', 'b.bin', 'c.txt', 'd.txt', 'e.csv'];
const collections = ['one', 'two'];
const tags = ['red', 'green', 'blue'];

let world: SyncWorld;
afterEach(async () => {
  await world.stop();
});

/** One random catalogue operation; refusals (illegal transitions, deleted targets) are part of the game. */
async function randomOperation(device: Device, rnd: () => number, counter: { created: number; label: number }): Promise<void> {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const reference = `${pick(collections)}/${pick(names)}`;
  const catalogue = device.catalogue();
  const roll = rnd();
  try {
    if (roll < 0.35) {
      counter.label += 1;
      const [collection, name] = reference.split('/') as [string, string];
      const result = await device.record(name, `${device.name}-${counter.label}`, collection);
      if (result) counter.created += 1;
    } else if (roll < 0.5) {
      await catalogue.tag(reference, rnd() < 0.7 ? { add: [pick(tags)] } : { remove: [pick(tags)] });
    } else if (roll < 0.65) {
      const entry = catalogue.listVersions(reference);
      const version = pick(entry.versions);
      await catalogue.setStatus(version.id, pick(versionStatuses) as VersionStatus);
    } else if (roll < 0.75) {
      const entry = catalogue.listVersions(reference);
      const before = entry.versions.length;
      const result = await catalogue.rollback(reference, 1 + Math.floor(rnd() * before));
      if (result.created) counter.created += 1;
    } else if (roll < 0.82) {
      await catalogue.editMetadata(reference, { description: `${device.name} says ${Math.floor(rnd() * 100)}` });
    } else if (roll < 0.9) {
      await (rnd() < 0.5 ? catalogue.deleteArtifact(reference, 'random') : catalogue.restoreArtifact(reference));
    } else {
      const entry = catalogue.listVersions(reference);
      const version = pick(entry.versions);
      await catalogue.forgetVersions([version.id], 'random');
    }
  } catch (err) {
    if (!(err instanceof CairnError)) throw err;
  }
}

describe('random operations on three devices', { timeout: 120_000 }, () => {
  for (const seed of [1, 2, 3]) {
    it(`converge every time (seed ${seed})`, async () => {
      const rnd = random(seed);
      world = new SyncWorld({ tripwireShare: 1, manifestGraceMs: 0, compactAfterUpdates: 25, minCompactionIntervalMs: 0 });
      await world.start();
      const counter = { created: 0, label: 0 };
      const stats = { compactions: 0, bucketDeletes: 0, snapshotsApplied: 0, restarts: 0 };
      const a = await world.founder('a');
      await a.record('a.bin', 'seed', 'one');
      counter.created += 1;
      await a.sync();
      let devices = [a, await world.joiner('b'), await world.joiner('c')];

      for (let round = 0; round < 16; round += 1) {
        for (const device of devices) {
          const operations = Math.floor(rnd() * 4);
          for (let i = 0; i < operations; i += 1) await randomOperation(device, rnd, counter);
        }
        // A random subset syncs, in a random order; sometimes one compacts or restarts.
        const order = [...devices].sort(() => rnd() - 0.5).filter(() => rnd() < 0.7);
        for (const device of order) {
          const report = await device.sync(rnd() < 0.15);
          if (report.compacted) stats.compactions += 1;
          stats.bucketDeletes += report.bucketObjectsDeleted;
          stats.snapshotsApplied += report.snapshotsApplied;
        }
        if (round === 5 || rnd() < 0.1) {
          const index = Math.floor(rnd() * devices.length);
          const restarted = await world.restart(devices[index]!);
          stats.restarts += 1;
          devices = devices.map((d, i) => (i === index ? restarted : d));
        }
        world.clock.advance(60_000);
      }
      for (let pass = 0; pass < 2; pass += 1) for (const device of devices) await device.sync();

      const contents = devices.map((d) => catalogueContents(d.catalogue()));
      expect(contents[1], `seed ${seed}`).toEqual(contents[0]);
      expect(contents[2], `seed ${seed}`).toEqual(contents[0]);
      expect(contents[0]!.versions.length, `seed ${seed}: no version lost`).toBe(counter.created);
      for (const device of devices) expect((await device.call('sync.status', {})).quarantined).toEqual([]);
      // The run went through compaction, bucket clean-up and a restart, not just plain rounds.
      expect(stats.compactions).toBeGreaterThan(0);
      expect(stats.bucketDeletes).toBeGreaterThan(0);
      expect(stats.restarts).toBeGreaterThan(0);
    });
  }
});
