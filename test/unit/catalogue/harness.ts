import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { expect } from 'vitest';
import { Catalogue, type CatalogueDeps } from '../../../src-main/engine/catalogue/catalogue';
import { indexedMapNames, ManifestIndex, type IndexedMapName } from '../../../src-renderer/replica/manifest-index';

/** Helpers shared by the catalogue, manifest and policy tests. */

/** A 64-hex digest derived from a label, so tests can name content ("model-a") and compare. */
export function digest(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

/** A clock tests move by hand: behaviour never depends on real time. */
export function manualClock(start = Date.UTC(2025, 0, 1)): { now: () => number; advance: (ms: number) => void; set: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms), set: (ms) => (time = ms) };
}

export function makeCatalogue(options: Partial<CatalogueDeps> & { deviceId?: string } = {}): Catalogue {
  return new Catalogue({ doc: options.doc ?? new Y.Doc(), deviceId: options.deviceId ?? 'device-a', host: 'test-host', ...options });
}

/** Adds content named `label` (tree and digest derived from it) to `name`. */
export function contentOf(label: string, size = 1000): { treeId: string; sha256: string; size: number } {
  return { treeId: digest(`tree:${label}`), sha256: digest(`file:${label}`), size };
}

/**
 * Everything a catalogue shows, in a canonical form: two catalogues that materialised the same
 * set of updates must give equal dumps.
 */
export function dumpCatalogue(catalogue: Catalogue): unknown {
  const artifacts = [];
  let cursor: string | undefined;
  for (;;) {
    const page = catalogue.listArtifacts({ includeDeleted: true, limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const artifact of page.items) {
      const { versions } = catalogue.listVersions(artifact.id);
      artifacts.push({ artifact, versions: versions.map((v) => ({ ...v, links: catalogue.versionDetail(v.id).outgoingLinks })) });
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const events = [];
  let eventCursor: string | undefined;
  for (;;) {
    const page = catalogue.listEvents({ limit: 1000, ...(eventCursor ? { cursor: eventCursor } : {}) });
    events.push(...page.items);
    if (!page.nextCursor) break;
    eventCursor = page.nextCursor;
  }
  return { artifacts, events };
}

/**
 * Feeds the records of `catalogue`'s document to the renderer's replica index
 * (src-renderer/replica/manifest-index.ts) in an order `keys` shuffles them into, and checks it
 * shows what the catalogue shows: both fold records with src-shared/catalogue/materialise.ts.
 */
export function expectReplicaIndexAgrees(catalogue: Catalogue, keys: readonly number[]): void {
  const records: { map: IndexedMapName; key: string; value: Uint8Array; order: number }[] = [];
  for (const map of indexedMapNames) catalogue.index.maps[map].forEach((value, key) => records.push({ map, key, value, order: keys[records.length % keys.length] ?? 0 }));
  const replica = new ManifestIndex();
  for (const { map, key, value } of records.sort((a, b) => a.order - b.order)) replica.apply(map, key, value);

  const artifacts = catalogue.listArtifacts({ includeDeleted: true, limit: 1000 }).items;
  expect(replica.artifactCount).toBe(artifacts.length);
  for (const artifact of artifacts) {
    expect(replica.artifactRow(artifact.id)).toMatchObject({
      collection: artifact.collection,
      name: artifact.name,
      type: artifact.type,
      tags: artifact.tags,
      status: artifact.headStatus ?? 'none',
      description: artifact.description,
      license: artifact.license,
      metadata: artifact.metadata,
      headVersionId: artifact.headVersionId,
      headNumber: artifact.headNumber,
      versionCount: artifact.versionCount,
      deleted: artifact.deleted ? 1 : 0,
    });
    expect(replica.versionRows(artifact.id)).toEqual(catalogue.listVersions(artifact.id).versions);
  }
}
