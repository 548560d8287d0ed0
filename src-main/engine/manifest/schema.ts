import type * as Y from 'yjs';

/**
 * The manifest's layout (DESIGN.md 5): one Y.Doc, a flat Y.Map per kind of record, every value a
 * Uint8Array of UTF-8 JSON (src-shared/catalogue/records.ts says why and defines each record).
 *
 * | map        | key                          | value                                        |
 * | ---------- | ---------------------------- | -------------------------------------------- |
 * | artifacts  | `<artifactId>\|<deviceId>`    | ArtifactClaim (earliest claim is canonical)   |
 * | versions   | `<versionId>`                | VersionRecord, immutable                      |
 * | status     | `<versionId>\|<deviceId>`     | StatusCandidate (last writer wins)            |
 * | tags       | `<artifactId>/<tag>\|<device>`| TagCandidate                                  |
 * | meta       | `<artifactId>/<field>\|<dev>` | MetaCandidate (description, license, type, x.*)|
 * | links      | `<from>/<kind>/<to>\|<device>`| LinkCandidate                                 |
 * | tombstones | `<artifact\|version>/<id>\|<d>`| TombstoneCandidate (deleted or restored)      |
 * | events     | `<eventId>`                  | EventRecord, immutable                        |
 * | devices    | `<deviceId>`                 | DeviceRecord, written by that device only     |
 * | jobs       | owned by the jobs area       |                                              |
 * | exports    | owned by the share-link area |                                              |
 *
 * There is deliberately no `heads` map: an artifact's head is a last-writer-wins register whose
 * candidates are its versions themselves (stamp = createdAt, then id), skipping deleted ones.
 * Rollback makes a new version, so the head never needs to be set apart from creating one, and
 * a stored head candidate per version would add a Yjs item per version (measured: +250 ms to
 * load 100k versions).
 *
 * Rules that keep the result a pure function of the set of updates, whatever their order:
 * no key is ever written by two devices (ids are random 128-bit, or end in `|<deviceId>`), and
 * nobody deletes a key: deleting is a tombstone candidate, undoing it another candidate.
 */
export const manifestMapNames = ['artifacts', 'versions', 'status', 'tags', 'meta', 'links', 'tombstones', 'events', 'devices', 'jobs', 'exports'] as const;
export type ManifestMapName = (typeof manifestMapNames)[number];

export type ManifestMaps = { readonly [K in ManifestMapName]: Y.Map<Uint8Array> };

/** The typed top-level maps of a manifest document. */
export function manifestMaps(doc: Y.Doc): ManifestMaps {
  const maps = {} as Record<ManifestMapName, Y.Map<Uint8Array>>;
  for (const name of manifestMapNames) maps[name] = doc.getMap<Uint8Array>(name);
  return maps;
}
