/**
 * Keys sync adds to a shared bucket, beside the repository's own (DESIGN.md 4). They live under
 * `sync/`, which backup and repository code ignore (object-order.ts copies only repository
 * objects), so a sync bucket stays a plain repository plus a few small records:
 *
 *   sync/devices/<deviceId>   presence: what this device has read from every other device, its
 *                             own last uploaded manifest seq, its answers to GC proposals
 *   sync/gc/<deviceId>        this device's pack garbage-collection proposal and the packs it
 *                             deleted (so no device stores new data into them again)
 *
 * Each device writes only its own records, like its own manifest and index keys.
 */
export const presencePrefix = 'sync/devices/';
export const gcProposalPrefix = 'sync/gc/';

const deviceIdPattern = /^[0-9a-f]{32}$/;

export function presenceKey(deviceId: string): string {
  return `${presencePrefix}${deviceId}`;
}

export function gcProposalKey(deviceId: string): string {
  return `${gcProposalPrefix}${deviceId}`;
}

/** The device a record key under `prefix` belongs to, or null for anything else. */
export function recordOwner(prefix: string, key: string): string | null {
  if (!key.startsWith(prefix)) return null;
  const rest = key.slice(prefix.length);
  return deviceIdPattern.test(rest) ? rest : null;
}

/** `index/<deviceId>/` and `manifest/<deviceId>/`: one device's keys of each kind. */
export const indexPrefixOf = (deviceId: string): string => `index/${deviceId}/`;
export const manifestPrefixOf = (deviceId: string): string => `manifest/${deviceId}/`;
