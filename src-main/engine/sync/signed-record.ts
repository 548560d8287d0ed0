import crypto from 'node:crypto';
import type { z } from 'zod';
import { open, seal } from '../crypto/aead';
import { SyncRecordRefusedError } from './errors';

/**
 * The bytes of a small sync record (presence, GC proposal): JSON, sealed when the repository is
 * encrypted, always authenticated. Layout:
 *
 *   "CRNS" | u8 version (1) | u8 flags (bit 0 sealed) | body | HMAC-SHA-256 (32)
 *
 *   body     = JSON (unsealed) or AES-256-GCM nonce ‖ ciphertext ‖ tag, AAD = context
 *   HMAC     = HMAC(macKey, context ‖ header ‖ body)
 *   context  = "cairn-sync-record\0" ‖ repoId ‖ "\0" ‖ key
 *
 * The key is in the context, so a record copied to another device's key (or another
 * repository) fails: a device cannot speak for another one.
 */
export interface RecordKeys {
  repoId: string;
  macKey: Buffer;
  /** null for an unencrypted repository. */
  sealKey: Buffer | null;
}

const magic = Buffer.from('CRNS', 'ascii');
const version = 1;
const macLength = 32;
const headerLength = 6;

function contextOf(keys: RecordKeys, key: string): Buffer {
  return Buffer.from(`cairn-sync-record\0${keys.repoId}\0${key}`, 'utf8');
}

export function encodeRecord(key: string, value: unknown, keys: RecordKeys): Buffer {
  const context = contextOf(keys, key);
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  const header = Buffer.from([...magic, version, keys.sealKey ? 1 : 0]);
  const body = keys.sealKey ? seal(keys.sealKey, json, context) : json;
  const mac = crypto.createHmac('sha256', keys.macKey).update(context).update(header).update(body).digest();
  return Buffer.concat([header, body, mac]);
}

/** Verifies, opens and validates a record; throws SyncRecordRefusedError naming the key. */
export function decodeRecord<S extends z.ZodType>(key: string, bytes: Buffer, schema: S, keys: RecordKeys): z.output<S> {
  const refuse = (reason: string) => new SyncRecordRefusedError(key, reason);
  if (bytes.length < headerLength + macLength || !bytes.subarray(0, 4).equals(magic)) throw refuse('it is not a sync record');
  if (bytes[4] !== version) throw refuse(`it has format version ${bytes[4]}; this Cairn reads version ${version}`);
  const context = contextOf(keys, key);
  const macAt = bytes.length - macLength;
  const expected = crypto.createHmac('sha256', keys.macKey).update(context).update(bytes.subarray(0, macAt)).digest();
  if (!crypto.timingSafeEqual(expected, bytes.subarray(macAt))) throw refuse('authentication failed (altered, copied from another key, or made under another repository key)');
  const sealed = bytes[5] === 1;
  if (sealed !== (keys.sealKey !== null)) throw refuse(sealed ? 'it is encrypted but this repository is not' : 'it is not encrypted but this repository is');
  const body = bytes.subarray(headerLength, macAt);
  let json: unknown;
  try {
    json = JSON.parse((keys.sealKey ? open(keys.sealKey, body, context, `Sync record ${key}`) : body).toString('utf8'));
  } catch {
    throw refuse('its content is unreadable');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw refuse(`its content is malformed (${parsed.error.issues[0]?.message ?? 'unknown problem'})`);
  return parsed.data;
}
