import { CairnError } from '../../../src-shared/errors';

/** A stored compressed blob that does not decode to what its index entry promises. */
export class CorruptBlobError extends CairnError {
  constructor(problem: string, options: { cause?: unknown } = {}) {
    super('CORRUPT', `A compressed blob is corrupt: ${problem}.`, {
      hint: 'The repository data is damaged or was not written by Cairn; restore this data from another endpoint or an older copy of the repository.',
      cause: options.cause,
    });
    this.name = 'CorruptBlobError';
  }
}

/** The WASM zstd is asynchronous to load; the synchronous calls need it loaded first. */
export class ZstdNotReadyError extends CairnError {
  constructor() {
    super('INTERNAL', 'The zstd codec is not loaded yet.', {
      hint: 'Call `await prepareZstd()` once (e.g. at startup) before compressing or decompressing.',
    });
    this.name = 'ZstdNotReadyError';
  }
}
