import { blobTypeFromCode, blobTypes, type PackedBlob } from './blob';

/**
 * One blob as pack trailers and index segments both record it, 46 bytes: u8 type, u8 flags
 * (bit 0 = compressed), 32-byte id, u32 offset, u32 stored length, u32 plain length (LE).
 */
export const blobEntrySize = 46;

export function writeBlobEntry(target: Buffer, at: number, blob: PackedBlob): void {
  target.writeUInt8(blobTypes[blob.type], at);
  target.writeUInt8(blob.compressed ? 1 : 0, at + 1);
  target.write(blob.id, at + 2, 32, 'hex');
  target.writeUInt32LE(blob.offset, at + 34);
  target.writeUInt32LE(blob.storedLength, at + 38);
  target.writeUInt32LE(blob.plainLength, at + 42);
}

/** The entry at `at`, or null when its type code is unknown (the caller names the object). */
export function readBlobEntry(source: Buffer, at: number): PackedBlob | null {
  const type = blobTypeFromCode(source.readUInt8(at));
  if (!type) return null;
  return {
    type,
    compressed: (source.readUInt8(at + 1) & 1) === 1,
    id: source.toString('hex', at + 2, at + 34),
    offset: source.readUInt32LE(at + 34),
    storedLength: source.readUInt32LE(at + 38),
    plainLength: source.readUInt32LE(at + 42),
  };
}
