import { createHash } from 'node:crypto';
import { CairnError } from '../../../src-shared/errors';

export const chunkerSeedLength = 32;

export class ChunkerSeedError extends CairnError {
  constructor(length: number) {
    super('INVALID_INPUT', `The chunker seed must be ${chunkerSeedLength} bytes, got ${length}.`, {
      hint: 'Pass the repository keys\' chunkerSeed (see crypto/keys); never a hand-made value.',
    });
    this.name = 'ChunkerSeedError';
  }
}

/**
 * The 256-entry gear table of FastCDC, derived from a per-repository secret seed so the same
 * file is cut at different places in different repositories: boundaries would otherwise reveal
 * which known files a repository holds. SHA-256 in counter mode: block i = SHA-256(seed || i).
 */
export function gearTableFromSeed(seed: Uint8Array): Int32Array {
  if (!(seed instanceof Uint8Array) || seed.length !== chunkerSeedLength) {
    throw new ChunkerSeedError(seed instanceof Uint8Array ? seed.length : 0);
  }
  const table = new Int32Array(256);
  const counter = Buffer.alloc(4);
  for (let block = 0; block < 32; block++) {
    counter.writeUInt32BE(block, 0);
    const digest = createHash('sha256').update(seed).update(counter).digest();
    for (let word = 0; word < 8; word++) table[block * 8 + word] = digest.readInt32BE(word * 4);
  }
  return table;
}
