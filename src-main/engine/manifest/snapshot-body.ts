import { z } from 'zod';
import { ManifestObjectRefusedError } from './errors';
import { unpackSnapshot } from './object-format';
import { SeqRanges } from './seq-ranges';

/** The coverage record a snapshot carries: which (device, seq) ranges its state holds. */
export const coverageSchema = z.object({
  format: z.literal(1),
  writer: z.string(),
  createdAt: z.number(),
  covers: z.record(z.string(), z.array(z.tuple([z.number().int().min(1), z.number().int().min(1)]))),
});

/**
 * Reads an authenticated snapshot's plaintext: its Yjs state and what it covers. Used by the
 * store when loading and by sync when pulling; a malformed body is refused naming `key`.
 */
export function openSnapshotBody(key: string, plaintext: Uint8Array): { state: Uint8Array; covers: Map<string, SeqRanges> } {
  const unpacked = unpackSnapshot(plaintext);
  if (!unpacked) throw new ManifestObjectRefusedError(key, 'its snapshot body is malformed');
  let coverage: z.infer<typeof coverageSchema>;
  try {
    coverage = coverageSchema.parse(JSON.parse(unpacked.coverageJson));
  } catch (err) {
    throw new ManifestObjectRefusedError(key, 'its coverage record is malformed', { cause: err });
  }
  const covers = new Map<string, SeqRanges>();
  for (const [device, ranges] of Object.entries(coverage.covers)) covers.set(device, SeqRanges.from(ranges));
  return { state: unpacked.state, covers };
}
