import { CairnError } from '../../../src-shared/errors';

/** Sealed bytes that fail authentication: damaged, truncated, tampered or under another key. */
export class AuthenticationError extends CairnError {
  constructor(what: string, problem: string) {
    super('CORRUPT', `${what} failed authentication: ${problem}.`, {
      hint: 'The data is damaged, was changed by someone else, or belongs to another repository; restore it from another endpoint or copy.',
    });
    this.name = 'AuthenticationError';
  }
}

export class WrongPassphraseError extends CairnError {
  constructor() {
    super('WRONG_PASSPHRASE', 'The passphrase does not unlock this repository.', {
      hint: 'Type it again, or set CAIRN_PASSWORD (or CAIRN_PASSWORD_FILE, a file holding it) to the passphrase chosen when the repository was created.',
    });
    this.name = 'WrongPassphraseError';
  }
}

/** A key file that cannot be used at all, as opposed to one the passphrase does not open. */
export class KeyFileError extends CairnError {
  constructor(name: string, problem: string, details?: unknown) {
    super('CORRUPT', `The key file "${name}" is unreadable: ${problem}.`, {
      hint: 'Restore keys/ from another copy of the repository, or unlock it with another key file.',
      details,
    });
    this.name = 'KeyFileError';
  }
}

/** A programming error at a crypto call: a key, seed or parameter of the wrong shape. */
export class CryptoInputError extends CairnError {
  constructor(problem: string, hint: string) {
    super('INVALID_INPUT', `Invalid cryptographic input: ${problem}.`, { hint });
    this.name = 'CryptoInputError';
  }
}

export function requireKeyLength(name: string, key: unknown, length: number): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== length) {
    const got = key instanceof Uint8Array ? `${key.length} bytes` : typeof key;
    throw new CryptoInputError(`${name} must be ${length} bytes, got ${got}`, `Pass the ${name} from the repository keys (crypto/repo-keys), never a hand-made value.`);
  }
}
