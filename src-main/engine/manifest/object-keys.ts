/**
 * Where manifest objects live in a repository (DESIGN.md 4):
 *
 *   manifest/<deviceId>/<seq>      one device's updates, seq = 1, 2, … zero-padded to 12 digits
 *                                  so that listing order is seq order
 *   manifest/snapshots/<id>        merged state written by compaction, id = `<deviceId>.<hex>`
 */
export const manifestPrefix = 'manifest/';
export const snapshotPrefix = 'manifest/snapshots/';

const seqDigits = 12;
export const maxSeq = 10 ** seqDigits - 1;

/** Device ids as object-key segments (the repository's are 32 hex digits). */
export const deviceIdPattern = /^[a-z0-9][a-z0-9-]{0,63}$/;
const snapshotIdPattern = /^([a-z0-9][a-z0-9-]{0,63})\.([0-9a-f]{16,64})$/;
const seqPattern = /^\d{12}$/;

export function isValidDeviceId(deviceId: string): boolean {
  return deviceIdPattern.test(deviceId) && deviceId !== 'snapshots';
}

export function updateKey(deviceId: string, seq: number): string {
  return `${manifestPrefix}${deviceId}/${String(seq).padStart(seqDigits, '0')}`;
}

export function snapshotKey(snapshotId: string): string {
  return `${snapshotPrefix}${snapshotId}`;
}

export type ParsedManifestKey =
  | { kind: 'update'; deviceId: string; seq: number }
  | { kind: 'snapshot'; snapshotId: string; writer: string };

/** What a key under `manifest/` names, or null when it is not a manifest object key. */
export function parseManifestKey(key: string): ParsedManifestKey | null {
  if (!key.startsWith(manifestPrefix)) return null;
  const parts = key.slice(manifestPrefix.length).split('/');
  if (parts.length !== 2) return null;
  const [first, second] = parts as [string, string];
  if (first === 'snapshots') {
    const match = snapshotIdPattern.exec(second);
    return match ? { kind: 'snapshot', snapshotId: second, writer: match[1] as string } : null;
  }
  if (!isValidDeviceId(first) || !seqPattern.test(second)) return null;
  const seq = Number(second);
  return seq >= 1 ? { kind: 'update', deviceId: first, seq } : null;
}
