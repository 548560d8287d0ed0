import { CairnError } from '../../../src-shared/errors';

/**
 * A manifest object that failed authentication or parsing, or was copied from another
 * repository, device slot or key. It is never applied; loading goes on without it.
 */
export class ManifestObjectRefusedError extends CairnError {
  constructor(
    readonly key: string,
    readonly reason: string,
    options: { cause?: unknown } = {},
  ) {
    super('CORRUPT', `Manifest object "${key}" was refused: ${reason}. It was not applied; the rest of the manifest loaded.`, {
      hint: 'If the repository was copied or merged from elsewhere, this object may belong to another repository; otherwise run `cairn check`. The object is left in place for inspection.',
      cause: options.cause,
    });
    this.name = 'ManifestObjectRefusedError';
  }
}

/** Keys, ids or options given to the manifest store that it cannot work with. */
export class ManifestSetupError extends CairnError {
  constructor(problem: string) {
    super('INVALID_INPUT', `The manifest store cannot start: ${problem}.`, {
      hint: 'This is a wiring bug: the repository should pass its own repo id, device id and keys.',
    });
    this.name = 'ManifestSetupError';
  }
}

/** The store was closed; a new one over the same document is needed. */
export class ManifestStoreClosedError extends CairnError {
  constructor() {
    super('UNAVAILABLE', 'The manifest store is closed; nothing more can be written through it.', {
      hint: 'Restart the engine.',
    });
    this.name = 'ManifestStoreClosedError';
  }
}
