import { CairnError } from '../../../src-shared/errors';

/** No endpoint with role `sync` is configured on this device. */
export class SyncNotConfiguredError extends CairnError {
  constructor() {
    super('NOT_FOUND', 'No sync endpoint is configured on this device, so there is nothing to sync with.', {
      hint: 'Add the shared bucket with `cairn endpoint add NAME --role sync …`, then run `cairn sync`.',
    });
    this.name = 'SyncNotConfiguredError';
  }
}

/** Two or more endpoints have role `sync`; one bucket is the truth, so sync refuses to guess. */
export class AmbiguousSyncEndpointError extends CairnError {
  constructor(names: string[]) {
    super('CONFLICT', `${names.length} endpoints have role "sync" (${names.join(', ')}); a device syncs through exactly one bucket.`, {
      hint: 'Remove the extra ones with `cairn endpoint remove NAME`, or add them again with --role backup.',
    });
    this.name = 'AmbiguousSyncEndpointError';
  }
}

/** The bucket holds a different repository than the local one. */
export class SyncBucketMismatchError extends CairnError {
  constructor(endpoint: string, bucketRepoId: string, localRepoId: string) {
    super('CONFLICT', `The sync endpoint "${endpoint}" holds repository ${bucketRepoId}, not this device's repository ${localRepoId}; nothing was synced.`, {
      hint: 'Point this device at the right bucket, or join the bucket\'s repository from an empty folder with `cairn --repo NEW_FOLDER sync --bootstrap --endpoint NAME`.',
    });
    this.name = 'SyncBucketMismatchError';
  }
}

/** Bootstrapping needs a bucket that already holds a repository. */
export class EmptySyncBucketError extends CairnError {
  constructor(endpoint: string) {
    super('NOT_FOUND', `The sync endpoint "${endpoint}" holds no repository yet (no config object), so there is nothing to join.`, {
      hint: 'Run `cairn sync` once on a device that has the repository: its first sync seeds the bucket.',
    });
    this.name = 'EmptySyncBucketError';
  }
}

/** Bootstrapping creates the local repository, so it needs a folder without one. */
export class LocalRepositoryExistsError extends CairnError {
  constructor(location: string) {
    super('ALREADY_EXISTS', `There is already a repository at ${location}; bootstrapping only fills an empty folder.`, {
      hint: 'To sync this repository, add the sync endpoint and run `cairn sync`. To join the bucket as a new device, bootstrap into an empty folder (`cairn --repo NEW_FOLDER sync --bootstrap --endpoint NAME`).',
    });
    this.name = 'LocalRepositoryExistsError';
  }
}

export class ChangeSetNotFoundError extends CairnError {
  constructor(id: string, known: string[]) {
    super('NOT_FOUND', `There is no pending change set "${id}".`, {
      hint: known.length > 0 ? `Pending change sets: ${known.join(', ')}.` : 'Nothing is pending; `cairn pending` lists held change sets.',
    });
    this.name = 'ChangeSetNotFoundError';
  }
}

/** A record under `sync/` failed authentication or is malformed; it is ignored. */
export class SyncRecordRefusedError extends CairnError {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super('CORRUPT', `Sync record "${key}" was refused: ${reason}. It was ignored.`, {
      hint: 'The device that owns it rewrites it on its next sync; if it keeps failing, the bucket may hold objects of another repository.',
    });
    this.name = 'SyncRecordRefusedError';
  }
}

/** A pack fetched from the sync bucket does not hash to its name. */
export class FetchedPackCorruptError extends CairnError {
  constructor(key: string, source: string) {
    super('CORRUPT', `Pack ${key} fetched from ${source} is damaged (its content does not match its name); it was not stored.`, {
      hint: 'Run `cairn verify --endpoint NAME` on the sync endpoint; a device that has a good copy repairs it.',
    });
    this.name = 'FetchedPackCorruptError';
  }
}

/** Bootstrapping names an endpoint that is not the sync bucket. */
export class NotASyncEndpointError extends CairnError {
  constructor(name: string, role: string) {
    super('INVALID_INPUT', `The endpoint "${name}" has role "${role}", not "sync"; only a sync endpoint is a shared bucket to join.`, {
      hint: `Add it again with the sync role: \`cairn endpoint add ${name} --role sync …\`.`,
    });
    this.name = 'NotASyncEndpointError';
  }
}
