import { InvalidInputError } from '../../../src-shared/errors';
import { looksIncompressible } from './entropy';
import { CorruptBlobError } from './errors';
import { zstdCodec } from './zstd-codec';

export { prepareZstd } from './zstd-codec';

/**
 * zstd level for chunks. Level 1 over 3: with the WASM codec (Node 20), level 3 ran at 59 MiB/s
 * on high-entropy but compressible bytes against 215-267 MiB/s for level 1 at the same ratio,
 * and on logs, CSV and JSON lines 1.1-2.2x faster for 3-12% larger output. Ingest speed wins.
 */
export const defaultCompressionLevel = 1;

/** A blob is stored compressed only when that saves at least this fraction. */
const minimumSaving = 0.03;
const probeLength = 64 * 1024;
const probeLevel = 1;

function shrinksEnough(compressedLength: number, plainLength: number): boolean {
  return compressedLength <= plainLength * (1 - minimumSaving);
}

/**
 * A zstd frame of `plain`, or null when compression does not save at least ~3% (store the
 * blob as is). Incompressible data costs almost nothing: a byte histogram of the first 64 KiB,
 * then a fast level-1 probe of it, reject it before the full compression runs.
 * Needs `await prepareZstd()` once per thread.
 */
export function compressBlob(plain: Uint8Array, level: number = defaultCompressionLevel): Uint8Array | null {
  if (!Number.isInteger(level) || level < 1 || level > 19) {
    throw new InvalidInputError('zstd compression', [`level ${level} is not an integer from 1 to 19`]);
  }
  const probe = plain.length > probeLength ? plain.subarray(0, probeLength) : plain;
  if (looksIncompressible(probe)) return null;
  const codec = zstdCodec();
  if (probe !== plain && !shrinksEnough(codec.compress(probe, probeLevel).length, probe.length)) return null;
  const frame = codec.compress(plain, level);
  return shrinksEnough(frame.length, plain.length) ? frame : null;
}

/**
 * The plain bytes of a frame from compressBlob. Refuses (CorruptBlobError, code CORRUPT) any
 * frame that does not decode to exactly `expectedLength` bytes, without ever producing more:
 * a hostile or damaged frame cannot exhaust memory.
 */
export function decompressBlob(frame: Uint8Array, expectedLength: number): Uint8Array {
  if (!Number.isSafeInteger(expectedLength) || expectedLength < 0) {
    throw new CorruptBlobError(`its expected length ${expectedLength} is not a byte count`);
  }
  return zstdCodec().decompress(frame, expectedLength);
}
