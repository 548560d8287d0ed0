import { CairnError } from '../../../src-shared/errors';

export class RepositoryNotFoundError extends CairnError {
  constructor(location: string) {
    super('NOT_FOUND', `There is no Cairn repository at ${location}.`, {
      hint: 'Create one with `cairn init` (add --encrypt to protect it with a passphrase), or point --repo / CAIRN_REPO at an existing one.',
    });
    this.name = 'RepositoryNotFoundError';
  }
}

export class RepositoryExistsError extends CairnError {
  constructor(location: string) {
    super('ALREADY_EXISTS', `A Cairn repository already exists at ${location}.`, {
      hint: 'Use it as it is, or choose another folder with --repo.',
    });
    this.name = 'RepositoryExistsError';
  }
}

export class CorruptRepositoryError extends CairnError {
  constructor(what: string, why: string, hint = 'Run `cairn check --read-data` to see what else is affected; restore the object from a backup endpoint if you have one.') {
    super('CORRUPT', `${what} is damaged: ${why}.`, { hint });
    this.name = 'CorruptRepositoryError';
  }
}

export class PassphraseRequiredError extends CairnError {
  constructor(location: string) {
    super('WRONG_PASSPHRASE', `The repository at ${location} is encrypted and no passphrase was given.`, {
      hint: 'Set CAIRN_PASSWORD or CAIRN_PASSWORD_FILE, or run the command in a terminal to be asked for it.',
    });
    this.name = 'PassphraseRequiredError';
  }
}

export class BlobNotFoundError extends CairnError {
  constructor(id: string, hint = 'The repository index does not know this blob: run `cairn check` to find what is missing.') {
    super('NOT_FOUND', `Blob ${id} is not in the repository.`, { hint });
    this.name = 'BlobNotFoundError';
  }
}
