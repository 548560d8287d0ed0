import { CorruptBlobError } from './errors';

const zstdMagic = 0xfd2fb528;

/**
 * The decompressed size a zstd frame header declares (RFC 8878 section 3.1.1), or null when the
 * encoder left it out. Read before decoding so a hostile header cannot make the decoder
 * allocate more than the caller expects. Throws CorruptBlobError when this is not a zstd frame.
 */
export function zstdFrameContentSize(frame: Uint8Array): number | null {
  if (frame.length < 6) throw new CorruptBlobError(`${frame.length} bytes is too short for a zstd frame`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (view.getUint32(0, true) !== zstdMagic) throw new CorruptBlobError('it does not start with the zstd magic number');

  const descriptor = frame[4]!;
  const sizeFlag = descriptor >> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  if ((descriptor & 0x08) !== 0) throw new CorruptBlobError('its zstd frame header has the reserved bit set');
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 0x03]!;
  const sizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][sizeFlag]!;
  const at = 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes;
  if (frame.length < at + sizeBytes) throw new CorruptBlobError('its zstd frame header is truncated');

  switch (sizeBytes) {
    case 0:
      return null;
    case 1:
      return view.getUint8(at);
    case 2:
      return view.getUint16(at, true) + 256;
    case 4:
      return view.getUint32(at, true);
    default:
      return view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
  }
}
