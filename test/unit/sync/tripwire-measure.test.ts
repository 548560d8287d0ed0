import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { Catalogue } from '../../../src-main/engine/catalogue/catalogue';
import { measureRemovals, trippedBy } from '../../../src-main/engine/sync/tripwire';

const digest = (i: number) => i.toString(16).padStart(64, '0');

/** A writer's catalogue with four artifacts in "team" and one in "misc", and a reader's replica. */
async function setup() {
  const writerDoc = new Y.Doc();
  const writer = new Catalogue({ doc: writerDoc, deviceId: 'writer' });
  for (let i = 1; i <= 4; i += 1) await writer.addVersion({ collection: 'team', name: `t${i}.bin`, treeId: digest(i), sha256: digest(i), size: i });
  await writer.addVersion({ collection: 'misc', name: 'm.bin', treeId: digest(9), sha256: digest(9), size: 9 });
  const readerDoc = new Y.Doc();
  Y.applyUpdateV2(readerDoc, Y.encodeStateAsUpdateV2(writerDoc));
  const reader = new Catalogue({ doc: readerDoc, deviceId: 'reader' });
  const change = async (edit: () => Promise<unknown> | void) => {
    const before = Y.encodeStateVector(writerDoc);
    await edit();
    return Y.encodeStateAsUpdateV2(writerDoc, before);
  };
  return { writer, writerDoc, reader, readerDoc, change };
}

describe('measureRemovals', () => {
  it('judges tombstones against the registers: two of four artifacts deleted is half the collection', async () => {
    const { writer, reader, readerDoc, change } = await setup();
    const update = await change(async () => {
      await writer.deleteArtifact('team/t1.bin');
      await writer.forgetVersions(['team/t2.bin@v1'], 'cleanup');
    });
    const effects = measureRemovals(readerDoc, reader.index, [update]);
    expect(effects).toEqual([{ collection: 'team', liveArtifacts: 4, removedArtifacts: 1, liveVersions: 4, removedVersions: 2, share: 0.5 }]);
    expect(trippedBy(effects, { share: 0.3, minRemoved: 2 })).toHaveLength(1);
    expect(trippedBy(effects, { share: 0.5, minRemoved: 2 })).toHaveLength(0);
    // Nothing was applied to the reader.
    expect(reader.listArtifacts({ collection: 'team' }).total).toBe(4);
  });

  it('measures removals below the catalogue (Yjs keys deleted) in a scratch copy', async () => {
    const { writerDoc, reader, readerDoc, change } = await setup();
    const versions = writerDoc.getMap('versions');
    const victims = [...versions.keys()].slice(0, 3);
    const update = await change(() => writerDoc.transact(() => victims.forEach((key) => versions.delete(key))));
    const effects = measureRemovals(readerDoc, reader.index, [update]);
    const removed = effects.reduce((sum, e) => sum + e.removedVersions, 0);
    expect(removed).toBe(3);
    expect(reader.index.versionCount).toBe(5);
  });

  it('finds nothing to measure in additions, status changes and restores', async () => {
    const { writer, reader, readerDoc, change } = await setup();
    const update = await change(async () => {
      await writer.addVersion({ collection: 'team', name: 't5.bin', treeId: digest(5), sha256: digest(5), size: 5 });
      await writer.setStatus('team/t1.bin@v1', 'on_verification');
      await writer.restoreArtifact('team/t2.bin');
    });
    expect(measureRemovals(readerDoc, reader.index, [update])).toEqual([]);
  });
});
