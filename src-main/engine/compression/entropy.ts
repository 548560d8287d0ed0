/** Bits per byte below which Huffman-coded literals alone save about 3%. */
const compressibleEntropy = 7.76;

/**
 * True when the bytes look uniformly random (order-0 entropy near 8 bits per byte): already
 * compressed or encrypted content, which zstd cannot shrink. A histogram costs about a
 * nanosecond per byte in JS, several times less than asking zstd, which matters for thousands
 * of small files. It misses only high-entropy data that repeats itself, which is rare in
 * practice and then just stored uncompressed.
 */
export function looksIncompressible(sample: Uint8Array): boolean {
  const length = sample.length;
  // Below ~1 KiB the histogram of even random bytes is too lumpy to tell.
  if (length < 1024) return false;
  const counts = new Uint32Array(256);
  for (let i = 0; i < length; i++) counts[sample[i]!]!++;
  let entropy = 0;
  for (let b = 0; b < 256; b++) {
    const count = counts[b]!;
    if (count !== 0) entropy -= count * Math.log2(count / length);
  }
  return entropy / length > compressibleEntropy;
}
