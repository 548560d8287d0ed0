/** Bits per byte below which Huffman-coded literals alone save about 3%. */
const compressibleEntropy = 7.76;

/**
 * Bytes looked at: 16 runs of 128 spread over the sample. Random bytes then score ~7.91 bits
 * (the estimate's spread is ~0.01), and counting stays a few microseconds.
 */
const sampleRuns = 16;
const runLength = 128;
const sampleBytes = sampleRuns * runLength;

/** count * log2(count) for every count a sample can reach: no log calls when scoring. */
const countLog = new Float64Array(sampleBytes + 1).map((_, count) => (count === 0 ? 0 : count * Math.log2(count)));

/**
 * True when the bytes look uniformly random (order-0 entropy near 8 bits per byte): already
 * compressed or encrypted content, which zstd cannot shrink. Counting a 2 KiB sample costs a
 * few microseconds in JS, several times less than asking zstd, which matters for thousands of
 * small files. It misses only high-entropy data that repeats itself, which is rare in practice
 * and then just stored uncompressed.
 */
export function looksIncompressible(data: Uint8Array): boolean {
  // Below ~1 KiB the histogram of even random bytes is too lumpy to tell.
  if (data.length < 1024) return false;
  const counts = new Uint16Array(256);
  let length: number;
  if (data.length <= sampleBytes) {
    for (let i = 0; i < data.length; i++) counts[data[i]!]!++;
    length = data.length;
  } else {
    // Runs spread over the whole input, so a compressible stretch anywhere shows.
    const stride = Math.floor((data.length - runLength) / (sampleRuns - 1));
    for (let run = 0; run < sampleRuns; run++) {
      for (let i = run * stride, end = i + runLength; i < end; i++) counts[data[i]!]!++;
    }
    length = sampleBytes;
  }
  let sum = 0;
  for (let b = 0; b < 256; b++) sum += countLog[counts[b]!]!;
  // H = log2(n) - (1/n) * sum(c * log2 c)
  return Math.log2(length) - sum / length > compressibleEntropy;
}
