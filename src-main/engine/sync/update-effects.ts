import * as Y from 'yjs';
import { asTombstoneCandidate, decodeRecordJson, type TombstoneCandidate } from '../../../src-shared/catalogue/records';

/**
 * Whether applying `update` to `doc` could remove anything from the catalogue, decided from the
 * update's structure without applying it: it carries a deletion tombstone the document lacks,
 * or it deletes an item of the document without replacing it (a map key removed rather than
 * overwritten; Cairn itself never removes keys, see manifest/schema.ts). Cheap (no copy of the
 * document), and conservative: `true` only means the effect is worth measuring.
 *
 * How an overwrite is told from a removal: setting a Y.Map key makes an item whose origin is
 * the previous item of that key, and deletes that previous item. So a deleted item that is the
 * origin of a new item in the same update was replaced; any other deleted item was removed.
 */
export function mayRemove(doc: Y.Doc, update: Uint8Array): boolean {
  const effects = removalEffects(doc, update);
  return effects.structural || effects.tombstones.some((candidate) => candidate.value);
}

export interface RemovalEffects {
  /** It deletes items of the document without replacing them (never done by Cairn itself). */
  structural: boolean;
  /** Tombstone candidates (deletions and restores) the document does not have yet. */
  tombstones: TombstoneCandidate[];
}

/** What `update` carries that could remove something from `doc` (see mayRemove). */
export function removalEffects(doc: Y.Doc, update: Uint8Array): RemovalEffects {
  const { structs, ds } = Y.decodeUpdateV2(Y.diffUpdateV2(update, Y.encodeStateVector(doc)));
  const replaced = new Set<string>();
  const tombstones: TombstoneCandidate[] = [];
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    if (struct.origin) replaced.add(idKey(struct.origin.client, struct.origin.clock));
    if (struct.content instanceof Y.ContentBinary) {
      const candidate = asTombstoneCandidate(decodeRecordJson(struct.content.content));
      if (candidate) tombstones.push(candidate);
    }
  }
  return { structural: removesWithoutReplacing(doc, ds, replaced), tombstones };
}

function removesWithoutReplacing(doc: Y.Doc, ds: ReturnType<typeof Y.decodeUpdateV2>['ds'], replaced: ReadonlySet<string>): boolean {
  for (const [client, deletes] of ds.clients) {
    const ours = doc.store.clients.get(client);
    if (!ours || ours.length === 0) continue; // nothing of this writer here to remove
    const known = Y.getState(doc.store, client);
    for (const { clock, len } of deletes) {
      if (clock >= known) continue;
      for (let i = Y.findIndexSS(ours, clock); i < ours.length; i += 1) {
        const struct = ours[i] as Y.Item | Y.GC;
        if (struct.id.clock >= clock + len) break;
        if (!(struct instanceof Y.Item) || struct.deleted) continue;
        if (!replaced.has(idKey(client, struct.id.clock + struct.length - 1))) return true;
      }
    }
  }
  return false;
}

function idKey(client: number, clock: number): string {
  return `${client}:${clock}`;
}
