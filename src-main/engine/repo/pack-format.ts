import type { Backend } from '../backends/backend';
import { packKey, type Cipher, type PackedBlob } from './blob';
import { blobEntrySize, readBlobEntry, writeBlobEntry } from './blob-entry';
import { CorruptRepositoryError } from './errors';

/**
 * Pack layout:
 *
 *   blob bytes … | trailer | u32 LE trailer length | "CRNP" | u8 version | 3 zero bytes
 *
 * The trailer (sealed when the repository is encrypted, with AAD "cairn pack trailer v1")
 * lists every blob: "CRNT", u8 version, u32 count, then per blob 46 bytes:
 * u8 type, u8 flags (bit 0 = compressed), 32-byte id, u32 offset, u32 stored length,
 * u32 plain length. All integers little-endian.
 */
export const packFooterSize = 12;
const packMagic = Buffer.from('CRNP');
const trailerMagic = Buffer.from('CRNT');
const formatVersion = 1;
const entrySize = blobEntrySize;
export const trailerAad = Buffer.from('cairn pack trailer v1');

export function encodeTrailer(blobs: readonly PackedBlob[], cipher: Cipher | null): Buffer {
  const plain = Buffer.alloc(9 + blobs.length * entrySize);
  trailerMagic.copy(plain, 0);
  plain.writeUInt8(formatVersion, 4);
  plain.writeUInt32LE(blobs.length, 5);
  let at = 9;
  for (const blob of blobs) {
    writeBlobEntry(plain, at, blob);
    at += entrySize;
  }
  const stored = cipher ? cipher.seal(plain, trailerAad) : plain;
  const footer = Buffer.alloc(packFooterSize);
  footer.writeUInt32LE(stored.length, 0);
  packMagic.copy(footer, 4);
  footer.writeUInt8(formatVersion, 8);
  return Buffer.concat([stored, footer]);
}

/** Parses the footer: how long the trailer before it is. */
export function parseFooter(footer: Buffer, packId: string, packSize: number): number {
  if (footer.length !== packFooterSize || !footer.subarray(4, 8).equals(packMagic)) {
    throw new CorruptRepositoryError(`Pack ${packId}`, 'its footer is missing or wrong (not a Cairn pack, or truncated)');
  }
  const version = footer.readUInt8(8);
  if (version !== formatVersion) throw new CorruptRepositoryError(`Pack ${packId}`, `it has unknown format version ${version}`);
  const trailerLength = footer.readUInt32LE(0);
  if (trailerLength + packFooterSize > packSize) throw new CorruptRepositoryError(`Pack ${packId}`, 'its trailer length exceeds the pack');
  return trailerLength;
}

export function decodeTrailer(stored: Buffer, packId: string, cipher: Cipher | null, dataLength: number): PackedBlob[] {
  const plain = cipher ? cipher.open(stored, trailerAad, `the trailer of pack ${packId}`) : stored;
  if (plain.length < 9 || !plain.subarray(0, 4).equals(trailerMagic)) {
    throw new CorruptRepositoryError(`Pack ${packId}`, 'its trailer does not start with the trailer magic');
  }
  const count = plain.readUInt32LE(5);
  if (plain.length !== 9 + count * entrySize) throw new CorruptRepositoryError(`Pack ${packId}`, 'its trailer has the wrong length');
  const blobs: PackedBlob[] = [];
  for (let i = 0, at = 9; i < count; i++, at += entrySize) {
    const blob = readBlobEntry(plain, at);
    if (!blob) throw new CorruptRepositoryError(`Pack ${packId}`, `blob ${i} has an unknown type`);
    if (blob.offset + blob.storedLength > dataLength) {
      throw new CorruptRepositoryError(`Pack ${packId}`, `blob ${blob.id} lies outside the pack data`);
    }
    blobs.push(blob);
  }
  return blobs;
}

/** Reads just the trailer of a stored pack (two small range reads). */
export async function readPackTrailer(backend: Backend, packId: string, packSize: number, cipher: Cipher | null): Promise<PackedBlob[]> {
  if (packSize < packFooterSize) throw new CorruptRepositoryError(`Pack ${packId}`, `it is only ${packSize} bytes long`);
  const key = packKey(packId);
  const footer = await backend.get(key, { offset: packSize - packFooterSize, length: packFooterSize });
  const trailerLength = parseFooter(footer, packId, packSize);
  const dataLength = packSize - packFooterSize - trailerLength;
  const stored = await backend.get(key, { offset: dataLength, length: trailerLength });
  return decodeTrailer(stored, packId, cipher, dataLength);
}
