import { CairnError } from '../../../src-shared/errors';

/**
 * Typed errors that any backend may raise, beyond the three in backend.ts. Each names the
 * storage and says what to do. Codes matter to callers: RetryingBackend retries UNAVAILABLE and
 * TIMEOUT, and nothing else.
 */

/** A range read that does not lie inside the object: the caller's index and the object disagree. */
export class RangeNotSatisfiableError extends CairnError {
  constructor(
    readonly backendName: string,
    readonly key: string,
    readonly range: { offset: number; length: number },
    readonly size: number,
  ) {
    super('CORRUPT', `Object "${key}" on ${backendName} is ${size} bytes; bytes ${range.offset}..${range.offset + range.length} run past its end.`, {
      hint: 'The index may point into a truncated object: run `cairn check`.',
    });
    this.name = 'RangeNotSatisfiableError';
  }
}

export class NoSpaceError extends CairnError {
  constructor(where: string, options: { cause?: unknown; quota?: boolean } = {}) {
    super(
      'NO_SPACE',
      options.quota ? `Your disk quota on the disk holding ${where} is used up.` : `The disk holding ${where} is full.`,
      { hint: 'Free some space on that disk (or move the repository to a larger one), then try again.', cause: options.cause },
    );
    this.name = 'NoSpaceError';
  }
}

export class StoragePermissionError extends CairnError {
  constructor(what: string, where: string, options: { cause?: unknown; readOnly?: boolean } = {}) {
    super(
      'PERMISSION_DENIED',
      options.readOnly ? `Cannot ${what}: ${where} is on a read-only file system.` : `Permission denied to ${what} in ${where}.`,
      { hint: `Check that the folder ${where} exists and that this user may read and write it.`, cause: options.cause },
    );
    this.name = 'StoragePermissionError';
  }
}

/** An I/O failure with no more specific meaning (EIO, EMFILE, ...). */
export class StorageIoError extends CairnError {
  constructor(what: string, where: string, errnoCode: string | undefined, options: { cause?: unknown } = {}) {
    super('IO', `Could not ${what} in ${where}${errnoCode ? ` (${errnoCode})` : ''}.`, {
      hint: 'Check the disk and its connection; the system log may say more.',
      cause: options.cause,
    });
    this.name = 'StorageIoError';
  }
}

/** A key that cannot coexist with another on a folder: `a/b` is a file and `a/b/c` is asked for. */
export class KeyCollisionError extends CairnError {
  constructor(backendName: string, key: string, options: { cause?: unknown } = {}) {
    super('CONFLICT', `Object "${key}" on ${backendName} collides with an existing object or folder along its path.`, {
      hint: 'A key cannot also be a prefix folder of another key on a local backend; use a different key.',
      cause: options.cause,
    });
    this.name = 'KeyCollisionError';
  }
}

/** The storage cannot be reached right now; worth retrying later. */
export class BackendUnavailableError extends CairnError {
  constructor(message: string, options: { hint?: string; cause?: unknown; details?: unknown } = {}) {
    super('UNAVAILABLE', message, {
      hint: options.hint ?? 'Check the network and that the endpoint is up; Cairn retries on its own.',
      cause: options.cause,
      details: options.details,
    });
    this.name = 'BackendUnavailableError';
  }
}

/** The storage took too long to answer; worth retrying later. */
export class BackendTimeoutError extends CairnError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('TIMEOUT', message, { hint: 'The endpoint or the network is slow; Cairn retries on its own.', cause: options.cause });
    this.name = 'BackendTimeoutError';
  }
}

/** A body that ended before its announced length: a cut connection, retryable. */
export class TruncatedBodyError extends BackendUnavailableError {
  constructor(backendName: string, key: string, received: number, expected: number | undefined, options: { cause?: unknown } = {}) {
    super(`The download of "${key}" from ${backendName} was cut after ${received}${expected === undefined ? '' : ` of ${expected}`} bytes.`, {
      hint: 'The connection dropped mid-transfer; Cairn retries on its own.',
      cause: options.cause,
    });
    this.name = 'TruncatedBodyError';
  }
}

/** The caller cancelled the operation through its AbortSignal. */
export class OperationCancelledError extends CairnError {
  constructor(what: string, options: { cause?: unknown } = {}) {
    super('CANCELLED', `Cancelled: ${what}.`, { cause: options.cause });
    this.name = 'OperationCancelledError';
  }
}

/** A streamed body whose length differs from the `contentLength` the caller announced. */
export class BodyLengthMismatchError extends CairnError {
  constructor(key: string, announced: number, actual: number) {
    super('INVALID_INPUT', `The body for "${key}" was ${actual} bytes, but ${announced} were announced; nothing was written.`, {
      hint: 'The source changed while it was read; read it again.',
    });
    this.name = 'BodyLengthMismatchError';
  }
}

/** The caller's stream body failed while it was read; nothing was written. */
export class BodySourceError extends CairnError {
  constructor(key: string, options: { cause?: unknown } = {}) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super('IO', `Reading the data to write as "${key}" failed: ${reason}; nothing was written.`, {
      hint: 'Check the source file or stream, then write again.',
      cause: options.cause,
    });
    this.name = 'BodySourceError';
  }
}
