import type { BlobLocation, Cipher } from './blob';
import { blobEntrySize, readBlobEntry, writeBlobEntry } from './blob-entry';
import { CorruptRepositoryError } from './errors';

/**
 * An index segment maps blob ids to their place in packs. Layout:
 *
 *   "CRNI" | u8 version | payload (sealed when encrypted, AAD "cairn index v1 <key>")
 *
 * payload: u32 pack count, then per pack: 32-byte pack id, u32 blob count, and per blob
 * 46 bytes: u8 type, u8 flags (bit 0 compressed), 32-byte id, u32 offset, u32 stored length,
 * u32 plain length. Little-endian.
 */
const magic = Buffer.from('CRNI');
const formatVersion = 1;
const entrySize = blobEntrySize;

export type IndexEntries = Map<string, Array<{ id: string } & Omit<BlobLocation, 'packId'>>>;

function aadFor(key: string): Buffer {
  return Buffer.from(`cairn index v1 ${key}`);
}

export function encodeIndexSegment(key: string, packs: IndexEntries, cipher: Cipher | null): Buffer {
  let size = 4;
  for (const blobs of packs.values()) size += 36 + blobs.length * entrySize;
  const payload = Buffer.alloc(size);
  payload.writeUInt32LE(packs.size, 0);
  let at = 4;
  for (const [packId, blobs] of packs) {
    payload.write(packId, at, 32, 'hex');
    payload.writeUInt32LE(blobs.length, at + 32);
    at += 36;
    for (const blob of blobs) {
      writeBlobEntry(payload, at, blob);
      at += entrySize;
    }
  }
  const header = Buffer.alloc(5);
  magic.copy(header, 0);
  header.writeUInt8(formatVersion, 4);
  return Buffer.concat([header, cipher ? cipher.seal(payload, aadFor(key)) : payload]);
}

export function decodeIndexSegment(key: string, bytes: Buffer, cipher: Cipher | null): IndexEntries {
  const what = `Index segment ${key}`;
  if (bytes.length < 5 || !bytes.subarray(0, 4).equals(magic)) throw new CorruptRepositoryError(what, 'it does not start with the index magic');
  if (bytes.readUInt8(4) !== formatVersion) throw new CorruptRepositoryError(what, `it has unknown format version ${bytes.readUInt8(4)}`);
  const payload = cipher ? cipher.open(bytes.subarray(5), aadFor(key), `index segment ${key}`) : bytes.subarray(5);
  const packs: IndexEntries = new Map();
  const fail = () => new CorruptRepositoryError(what, 'it is truncated');
  if (payload.length < 4) throw fail();
  const packCount = payload.readUInt32LE(0);
  let at = 4;
  for (let p = 0; p < packCount; p++) {
    if (at + 36 > payload.length) throw fail();
    const packId = payload.toString('hex', at, at + 32);
    const count = payload.readUInt32LE(at + 32);
    at += 36;
    if (at + count * entrySize > payload.length) throw fail();
    const blobs: Array<{ id: string } & Omit<BlobLocation, 'packId'>> = [];
    for (let i = 0; i < count; i++, at += entrySize) {
      const blob = readBlobEntry(payload, at);
      if (!blob) throw new CorruptRepositoryError(what, `an entry has an unknown blob type`);
      blobs.push(blob);
    }
    packs.set(packId, blobs);
  }
  if (at !== payload.length) throw new CorruptRepositoryError(what, 'it has trailing bytes');
  return packs;
}

export function indexKey(deviceId: string, seq: number): string {
  return `index/${deviceId}/${String(seq).padStart(12, '0')}`;
}

export function parseIndexKey(key: string): { deviceId: string; seq: number } | null {
  const match = /^index\/([0-9a-f]{32})\/(\d{12})$/.exec(key);
  return match ? { deviceId: match[1]!, seq: Number(match[2]) } : null;
}
