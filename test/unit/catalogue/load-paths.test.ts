import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { candidateKey, encodeRecord, encodeVersionRecord, type ArtifactClaim, type VersionRecord } from '../../../src-shared/catalogue/records';
import { manifestMaps } from '../../../src-main/engine/manifest/schema';
import { contentOf, dumpCatalogue, makeCatalogue } from './harness';

/** Two artifacts whose ids share their first 7 hex digits (the index finds entries by them). */
const first = 'abcdef0' + '1'.repeat(25);
const second = 'abcdef0' + '2'.repeat(25);

function claim(artifactId: string, name: string): ArtifactClaim {
  return { artifactId, collection: 'default', name, type: 'file', createdAt: 1000, deviceId: 'dev-x' };
}

function version(artifactId: string, n: number): VersionRecord {
  return {
    id: `${artifactId.slice(-1)}${String(n).padStart(31, '0')}`,
    artifactId,
    ...contentOf(`${artifactId}-${n}`),
    createdAt: 2000 + n,
    deviceId: 'dev-x',
    message: '',
    parentVersionId: null,
    restoredFrom: null,
    provenance: { sourcePath: null, host: null, tool: null },
  };
}

/** Writes both artifacts' claims and versions, interleaved, in one transaction or one by one. */
function writeRecords(doc: Y.Doc, together: boolean): void {
  const maps = manifestMaps(doc);
  const writes: (() => void)[] = [
    () => maps.artifacts.set(candidateKey(first, 'dev-x'), encodeRecord(claim(first, 'one.bin'))),
    () => maps.artifacts.set(candidateKey(second, 'dev-x'), encodeRecord(claim(second, 'two.bin'))),
  ];
  for (let n = 1; n <= 3; n += 1) for (const artifactId of [first, second]) writes.push(() => maps.versions.set(version(artifactId, n).id, encodeVersionRecord(version(artifactId, n))));
  if (together) doc.transact(() => writes.forEach((write) => write()));
  else writes.forEach((write) => write());
}

describe('materialising stored versions', () => {
  it('puts each version in its own artifact when artifact ids share a prefix', () => {
    for (const together of [true, false]) {
      const doc = new Y.Doc();
      const catalogue = makeCatalogue({ doc });
      writeRecords(doc, together);
      expect(catalogue.listVersions('one.bin').versions.map((v) => v.id)).toEqual([1, 2, 3].map((n) => version(first, n).id));
      expect(catalogue.listVersions('two.bin').versions.map((v) => v.id)).toEqual([1, 2, 3].map((n) => version(second, n).id));
      expect(catalogue.index.versionCount).toBe(6);
      expect(catalogue.index.malformedRecords).toBe(0);
    }
  });

  it('gives the same catalogue whether it watched the state arrive whole, one change at a time, or was built after', async () => {
    const source = new Y.Doc();
    const writer = makeCatalogue({ doc: source });
    for (let i = 0; i < 5; i += 1) await writer.addVersion({ name: `f-${i % 2}.bin`, ...contentOf(`f-${i}`) });
    await writer.tag('f-0.bin', { add: ['x'] });
    await writer.setStatus('f-1.bin', 'on_verification');
    writeRecords(source, true);

    const whole = new Y.Doc();
    const watchingWhole = makeCatalogue({ doc: whole });
    Y.applyUpdateV2(whole, Y.encodeStateAsUpdateV2(source));

    // The same records, one update each, applied in the reverse order of writing.
    const perRecord = new Y.Doc();
    const updates: Uint8Array[] = [];
    perRecord.on('updateV2', (update: Uint8Array) => updates.push(update));
    for (const [name, map] of Object.entries(manifestMaps(source))) map.forEach((value, key) => perRecord.getMap<Uint8Array>(name).set(key, value));
    const stepwise = new Y.Doc();
    const watchingSteps = makeCatalogue({ doc: stepwise });
    for (const update of updates.reverse()) Y.applyUpdateV2(stepwise, update);

    const builtAfter = makeCatalogue({ doc: whole });
    const expected = dumpCatalogue(watchingWhole);
    expect(dumpCatalogue(builtAfter)).toEqual(expected);
    expect(dumpCatalogue(watchingSteps)).toEqual(expected);
    expect(dumpCatalogue(writer)).toEqual(expected);
  });
});
