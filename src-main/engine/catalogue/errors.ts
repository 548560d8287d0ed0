import { CairnError } from '../../../src-shared/errors';
import type { VersionStatus } from '../../../src-shared/catalogue/lifecycle';

/** A status change the lifecycle table (src-shared/catalogue/lifecycle.ts) does not allow. */
export class IllegalTransitionError extends CairnError {
  constructor(
    readonly version: string,
    readonly from: VersionStatus,
    readonly to: VersionStatus,
    readonly legal: readonly VersionStatus[],
  ) {
    const options = legal.length > 0 ? `from "${from}" it can go to: ${legal.join(', ')}` : `"${from}" is final`;
    super('ILLEGAL_TRANSITION', `Version ${version} cannot go from "${from}" to "${to}"; ${options}.`, {
      hint: from === 'archived' || from === 'published' ? 'To bring old content back, roll back to it: that makes a new version.' : undefined,
      details: { from, to, legal },
    });
    this.name = 'IllegalTransitionError';
  }
}

export class UnknownArtifactError extends CairnError {
  constructor(reference: string, hint = 'List artifacts with `cairn ls`; references look like collection/name.') {
    super('NOT_FOUND', `No artifact "${reference}" in the catalogue.`, { hint });
    this.name = 'UnknownArtifactError';
  }
}

export class UnknownVersionError extends CairnError {
  constructor(reference: string, hint = 'List versions with `cairn versions <artifact>`; references look like name@v3 or name@sha256:<prefix>.') {
    super('NOT_FOUND', `No version "${reference}" in the catalogue.`, { hint });
    this.name = 'UnknownVersionError';
  }
}

export class AmbiguousReferenceError extends CairnError {
  constructor(reference: string, candidates: string[]) {
    const shown = candidates.slice(0, 10).join(', ') + (candidates.length > 10 ? `, … (${candidates.length} in all)` : '');
    super('CONFLICT', `The reference "${reference}" matches more than one thing: ${shown}.`, {
      hint: 'Add the collection (collection/name) or more digits of the digest.',
      details: { candidates: candidates.slice(0, 100) },
    });
    this.name = 'AmbiguousReferenceError';
  }
}

export class InvalidReferenceError extends CairnError {
  constructor(reference: string, problem: string) {
    super('INVALID_INPUT', `"${reference.slice(0, 200)}" is not a valid reference: ${problem}.`, {
      hint: 'References look like name, collection/name, name@v3 or name@sha256:<prefix>.',
    });
    this.name = 'InvalidReferenceError';
  }
}

/** A field of an artifact or version that fails the catalogue's naming or size rules. */
export class InvalidCatalogueInputError extends CairnError {
  constructor(what: string, problem: string) {
    super('INVALID_INPUT', `${what} is not valid: ${problem}.`);
    this.name = 'InvalidCatalogueInputError';
  }
}

export class UnknownTypeError extends CairnError {
  constructor(type: string, known: string[]) {
    super('INVALID_INPUT', `Artifact type "${type}" is not in the type config; known types: ${known.join(', ')}.`, {
      hint: 'Add it under `types:` in the type config file, or use one of the known types.',
    });
    this.name = 'UnknownTypeError';
  }
}

/** Published (and archived) versions never change: no new links, no edits. */
export class ImmutableVersionError extends CairnError {
  constructor(version: string, status: VersionStatus, what: string) {
    super('CONFLICT', `Version ${version} is ${status}, so ${what} cannot change.`, {
      hint: 'Publish a new version (or roll back to make one) and change that instead.',
    });
    this.name = 'ImmutableVersionError';
  }
}

/** Publishing needs a passing validator run first, for types that declare a validator. */
export class ValidationRequiredError extends CairnError {
  constructor(version: string, type: string) {
    super('CONFLICT', `Version ${version} cannot be published by hand: type "${type}" requires its validator to pass first.`, {
      hint: 'Run `cairn verify` on it: a pass publishes it.',
    });
    this.name = 'ValidationRequiredError';
  }
}

export class QuotaExceededError extends CairnError {
  constructor(message: string, details: { scope: string; limit: string; limitBytes: number; usedBytes: number; addingBytes: number }) {
    super('QUOTA_EXCEEDED', message, {
      hint: 'Delete or forget old versions, or raise the limit in the type config file.',
      details,
    });
    this.name = 'QuotaExceededError';
  }
}

export class CatalogueConfigError extends CairnError {
  constructor(source: string, problems: string[]) {
    super('INVALID_INPUT', `The type config ${source} is not valid: ${problems.join('; ')}.`, {
      hint: 'Fix the file; until then the previous (or default) config stays in use.',
    });
    this.name = 'CatalogueConfigError';
  }
}

/** Verifying needs the caller's way to put a version's content on disk. */
export class MaterialiseUnavailableError extends CairnError {
  constructor(version: string) {
    super('UNAVAILABLE', `Cannot run the validator for version ${version}: this engine cannot put version content on disk yet.`, {
      hint: 'Run verification from the desktop app or the CLI once the repository is open.',
    });
    this.name = 'MaterialiseUnavailableError';
  }
}

/** A change to something deleted (tombstoned): it has to be restored first. */
export class DeletedEntryError extends CairnError {
  constructor(what: string) {
    super('CONFLICT', `${what} is deleted, so it cannot change.`, {
      hint: 'Restore it first (`cairn restore-deleted`, or catalogue.artifacts.restore / catalogue.versions.restore).',
    });
    this.name = 'DeletedEntryError';
  }
}
