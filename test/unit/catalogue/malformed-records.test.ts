import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { candidateKey, encodeRecord, type VersionRecord } from '../../../src-shared/catalogue/records';
import { manifestMaps } from '../../../src-main/engine/manifest/schema';
import { contentOf, makeCatalogue } from './harness';

describe('records the catalogue cannot read', () => {
  it('are skipped and counted; everything else still shows', async () => {
    const doc = new Y.Doc();
    const catalogue = makeCatalogue({ doc });
    const { version } = await catalogue.addVersion({ name: 'ok.md', ...contentOf('ok') });
    const maps = manifestMaps(doc);
    doc.transact(() => {
      maps.versions.set('f'.repeat(32), new Uint8Array([0xff, 0x00, 0x7b]));
      maps.status.set(candidateKey(version.id, 'dev-x'), encodeRecord({ versionId: version.id, value: 'shipped', at: 1, device: 'dev-x', reason: null }));
      maps.tags.set('no-bar-in-this-key', encodeRecord({}));
      maps.events.set('e'.repeat(32), encodeRecord({ id: 'e'.repeat(32), kind: 'teleported' }));
    });
    expect(catalogue.index.malformedRecords).toBe(4);
    expect(catalogue.getVersion('ok.md')).toMatchObject({ status: 'draft', number: 1 });
    expect(catalogue.listEvents({}).items.map((e) => e.kind)).toEqual(['created']);
  });

  it('reads version records in another field order (a future writer), just more slowly', async () => {
    const doc = new Y.Doc();
    const catalogue = makeCatalogue({ doc });
    const { version } = await catalogue.addVersion({ name: 'ok.md', ...contentOf('ok') });
    const other: VersionRecord = { ...(catalogue.index.version(version.id) as VersionRecord), id: 'a'.repeat(32), treeId: contentOf('2').treeId, createdAt: version.createdAt + 5 };
    const { artifactId: _artifactId, ...rest } = other;
    manifestMaps(doc).versions.set(other.id, encodeRecord({ ...rest, artifactId: other.artifactId }));
    expect(catalogue.listVersions('ok.md').versions.map((v) => v.id)).toEqual([version.id, other.id]);
  });
});
