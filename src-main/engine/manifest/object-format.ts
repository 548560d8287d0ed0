import crypto from 'node:crypto';
import { ManifestObjectRefusedError } from './errors';

/**
 * The bytes of one manifest object (an update or a snapshot). All integers big-endian.
 *
 *   offset  size  field
 *   0       4     magic "CRNM"
 *   4       1     format version (1)
 *   5       1     flags: bit 0 = sealed (AES-256-GCM), bit 1 = snapshot; other bits 0
 *   6       2     reserved, 0
 *   8       n     body: sealed:   IV (12) ‖ ciphertext ‖ GCM tag (16)
 *                       unsealed: plaintext
 *   8+n     32    HMAC-SHA-256(macKey, context ‖ bytes[0, 8+n))
 *
 *   context   = "cairn-manifest-object\0" ‖ field(repoId) ‖ field(kind) ‖ field(slot)
 *   field(s)  = u16 byte length ‖ UTF-8 bytes
 *   kind      = "update" | "snapshot"
 *   slot      = "<deviceId>/<seq>" for an update, "<snapshotId>" for a snapshot
 *   GCM AAD   = context ‖ bytes[0, 8)
 *
 *   plaintext of an update   = one Yjs V2 update
 *   plaintext of a snapshot  = u32 length ‖ coverage JSON ‖ Yjs V2 update of the whole state
 *
 * The context is authenticated but not stored, so an object copied to another key, device slot
 * or repository (or made under another key) fails verification. Encrypt-then-MAC: the HMAC is
 * checked first, in constant time, before anything is decrypted or parsed.
 */
const magic = Buffer.from('CRNM', 'ascii');
export const manifestFormatVersion = 1;
const headerLength = 8;
const macLength = 32;
const ivLength = 12;
const gcmTagLength = 16;
const flagSealed = 0b01;
const flagSnapshot = 0b10;
const contextLabel = Buffer.from('cairn-manifest-object\0', 'utf8');

export type ManifestObjectKind = 'update' | 'snapshot';

export interface ManifestKeys {
  macKey: Buffer;
  /** null: the repository is not encrypted and objects are authenticated only. */
  sealKey: Buffer | null;
}

export interface ObjectSlot {
  repoId: string;
  kind: ManifestObjectKind;
  /** `<deviceId>/<seq>` or the snapshot id. */
  slot: string;
}

function field(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function contextOf(slot: ObjectSlot): Buffer {
  return Buffer.concat([contextLabel, field(slot.repoId), field(slot.kind), field(slot.slot)]);
}

/** Seals (when a seal key is given) and authenticates `plaintext` for `slot`. */
export function encodeManifestObject(plaintext: Uint8Array, slot: ObjectSlot, keys: ManifestKeys): Buffer {
  const context = contextOf(slot);
  const header = Buffer.alloc(headerLength);
  magic.copy(header, 0);
  header[4] = manifestFormatVersion;
  header[5] = (keys.sealKey ? flagSealed : 0) | (slot.kind === 'snapshot' ? flagSnapshot : 0);
  let body: Buffer;
  if (keys.sealKey) {
    const iv = crypto.randomBytes(ivLength);
    const cipher = crypto.createCipheriv('aes-256-gcm', keys.sealKey, iv);
    cipher.setAAD(Buffer.concat([context, header]));
    body = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  } else {
    body = Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
  }
  const mac = crypto.createHmac('sha256', keys.macKey).update(context).update(header).update(body).digest();
  return Buffer.concat([header, body, mac]);
}

/**
 * Verifies and opens an object read from `key`; throws ManifestObjectRefusedError naming the key
 * and what is wrong, and never returns unauthenticated bytes.
 */
export function decodeManifestObject(bytes: Buffer, key: string, slot: ObjectSlot, keys: ManifestKeys): Uint8Array {
  const refuse = (reason: string, cause?: unknown) => new ManifestObjectRefusedError(key, reason, cause === undefined ? {} : { cause });
  if (bytes.length < headerLength + macLength) throw refuse(`it is truncated (${bytes.length} bytes, shorter than any manifest object)`);
  if (!bytes.subarray(0, 4).equals(magic)) throw refuse('it does not start with the manifest magic "CRNM"');
  const version = bytes[4] as number;
  if (version !== manifestFormatVersion) throw refuse(`it has format version ${version}; this Cairn reads version ${manifestFormatVersion}`);
  const flags = bytes[5] as number;
  if ((flags & ~(flagSealed | flagSnapshot)) !== 0 || bytes[6] !== 0 || bytes[7] !== 0) throw refuse('its header has unknown flags');

  const context = contextOf(slot);
  const macAt = bytes.length - macLength;
  const expected = crypto.createHmac('sha256', keys.macKey).update(context).update(bytes.subarray(0, macAt)).digest();
  if (!crypto.timingSafeEqual(expected, bytes.subarray(macAt))) {
    throw refuse('authentication failed (it was altered, truncated, made under another key, or copied from another repository or key)');
  }

  const sealed = (flags & flagSealed) !== 0;
  const isSnapshot = (flags & flagSnapshot) !== 0;
  if (isSnapshot !== (slot.kind === 'snapshot')) throw refuse(`its header says ${isSnapshot ? 'snapshot' : 'update'} but it is stored as ${slot.kind === 'snapshot' ? 'a snapshot' : 'an update'}`);
  if (sealed !== (keys.sealKey !== null)) {
    throw refuse(sealed ? 'it is encrypted but this repository is not' : 'it is not encrypted but this repository is');
  }
  const body = bytes.subarray(headerLength, macAt);
  if (!sealed) return body;

  if (body.length < ivLength + gcmTagLength) throw refuse('its sealed body is truncated');
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', keys.sealKey as Buffer, body.subarray(0, ivLength));
    decipher.setAAD(Buffer.concat([context, bytes.subarray(0, headerLength)]));
    decipher.setAuthTag(body.subarray(body.length - gcmTagLength));
    // One output buffer, not a concatenated copy: snapshots are tens of MB.
    const plaintext = decipher.update(body.subarray(ivLength, body.length - gcmTagLength));
    const rest = decipher.final();
    return rest.length === 0 ? plaintext : Buffer.concat([plaintext, rest]);
  } catch (err) {
    throw refuse('it could not be decrypted with this repository key', err);
  }
}

/** Joins a snapshot's coverage record and state (see the format above). */
export function packSnapshot(coverageJson: string, state: Uint8Array): Buffer {
  const coverage = Buffer.from(coverageJson, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(coverage.length);
  return Buffer.concat([length, coverage, state]);
}

/** Splits a snapshot's plaintext; null when the lengths do not add up. */
export function unpackSnapshot(plaintext: Uint8Array): { coverageJson: string; state: Uint8Array } | null {
  const bytes = Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
  if (bytes.length < 4) return null;
  const length = bytes.readUInt32BE(0);
  if (4 + length > bytes.length) return null;
  return { coverageJson: bytes.subarray(4, 4 + length).toString('utf8'), state: bytes.subarray(4 + length) };
}
