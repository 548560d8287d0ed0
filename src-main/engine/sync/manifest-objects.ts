import { decodeManifestObject, type ManifestKeys } from '../manifest/object-format';
import { openSnapshotBody } from '../manifest/snapshot-body';
import type { ParsedManifestKey } from '../manifest/object-keys';
import type { SeqRanges } from '../manifest/seq-ranges';

/**
 * Opens manifest objects fetched from the bucket before they are applied, so sync can measure a
 * batch's effect (tripwire) and read a snapshot's coverage first. The store authenticates again
 * when the object is applied; this is the same check, made earlier.
 */
export interface ManifestCodec {
  repoId: string;
  keys: ManifestKeys;
}

export type OpenedObject =
  | { key: string; kind: 'update'; deviceId: string; seq: number; update: Uint8Array }
  | { key: string; kind: 'snapshot'; writer: string; update: Uint8Array; covers: Map<string, SeqRanges> };


/** Verifies and opens one object; throws ManifestObjectRefusedError naming the key. */
export function openManifestObject(key: string, parsed: ParsedManifestKey, bytes: Buffer, codec: ManifestCodec): OpenedObject {
  if (parsed.kind === 'update') {
    const update = decodeManifestObject(bytes, key, { repoId: codec.repoId, kind: 'update', slot: `${parsed.deviceId}/${parsed.seq}` }, codec.keys);
    return { key, kind: 'update', deviceId: parsed.deviceId, seq: parsed.seq, update };
  }
  const plaintext = decodeManifestObject(bytes, key, { repoId: codec.repoId, kind: 'snapshot', slot: parsed.snapshotId }, codec.keys);
  const { state, covers } = openSnapshotBody(key, plaintext);
  return { key, kind: 'snapshot', writer: parsed.writer, update: state, covers };
}

/**
 * Where a cursor ends up once `covered` seqs are known: past every seq reachable from the cursor
 * without a hole (a hole is an object still to be read one by one).
 */
export function advanceThrough(cursor: number, covered: SeqRanges | undefined): number {
  let at = cursor;
  for (const [from, to] of covered?.toJSON() ?? []) if (from <= at + 1 && to > at) at = to;
  return at;
}
