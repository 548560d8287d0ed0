import { CairnError } from '../../../src-shared/errors';
import { ObjectExistsError, ObjectNotFoundError } from './backend';
import { BackendTimeoutError, BackendUnavailableError, OperationCancelledError } from './backend-errors';

/** Where an S3 request went, for messages that name the thing. */
export interface S3Target {
  endpoint: string;
  bucket: string;
  backendName: string;
}

export class BucketNotFoundError extends CairnError {
  constructor(bucket: string, endpoint: string, options: { cause?: unknown } = {}) {
    super('NOT_FOUND', `Bucket "${bucket}" does not exist at ${endpoint}.`, {
      hint: 'Create the bucket, or correct the bucket name in the endpoint settings.',
      cause: options.cause,
    });
    this.name = 'BucketNotFoundError';
  }
}

export class EndpointUnauthorizedError extends CairnError {
  constructor(endpoint: string, bucket: string, reason: string, options: { cause?: unknown } = {}) {
    super('UNAUTHORIZED', `${endpoint} refused access to bucket "${bucket}" (${reason}).`, {
      hint: 'Check the access key ID and secret access key in the endpoint settings, and that they may use this bucket.',
      cause: options.cause,
    });
    this.name = 'EndpointUnauthorizedError';
  }
}

export class ClockSkewError extends CairnError {
  constructor(endpoint: string, options: { cause?: unknown } = {}) {
    super('UNAUTHORIZED', `${endpoint} refused the request because this computer's clock is too far from the server's.`, {
      hint: "Set this computer's date and time correctly (turn on automatic time), then try again.",
      cause: options.cause,
    });
    this.name = 'ClockSkewError';
  }
}

/** The object the server stored is not the size that was sent: never trust it. */
export class StoredSizeMismatchError extends CairnError {
  constructor(target: S3Target, key: string, sent: number, stored: number | undefined) {
    super('CORRUPT', `${target.endpoint} stored "${key}" in bucket "${target.bucket}" as ${stored ?? 'unknown'} bytes, but ${sent} were sent; the object was removed.`, {
      hint: 'The server may be rewriting uploads (aws-chunked framing, a proxy); check the endpoint, then try again.',
    });
    this.name = 'StoredSizeMismatchError';
  }
}

/** The server does not implement conditional PUT (`If-None-Match: *`), e.g. Swift s3api (501). */
export class ConditionalWriteUnsupportedError extends CairnError {
  constructor(endpoint: string, key: string, options: { cause?: unknown } = {}) {
    super('CONFLICT', `${endpoint} does not support create-only writes, and "${key}" was a stream that cannot be sent twice.`, {
      hint: 'Write it again: Cairn now checks for the object before writing to this endpoint.',
      cause: options.cause,
    });
    this.name = 'ConditionalWriteUnsupportedError';
  }
}

/** The S3 error code (`NoSuchKey`, `AccessDenied`, ...) or Node errno (`ECONNREFUSED`) of an error. */
export function s3ErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const record = err as { Code?: unknown; code?: unknown; name?: unknown };
  if (typeof record.Code === 'string') return record.Code;
  if (typeof record.code === 'string') return record.code;
  if (typeof record.name === 'string' && record.name !== 'Error') return record.name;
  return undefined;
}

/** The HTTP status of an SDK service error, if the server answered. */
export function httpStatus(err: unknown): number | undefined {
  const metadata = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

const unauthorizedCodes = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'Forbidden', 'AllAccessDisabled', 'AccountProblem']);
const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
const timeoutCodes = new Set(['TimeoutError', 'ETIMEDOUT', 'RequestTimeout', 'ESOCKETTIMEDOUT']);

/**
 * Turns an SDK or network error into a typed CairnError naming the endpoint and bucket.
 * `key` is the object the request was about (for not-found and exists errors).
 */
export function toS3Error(err: unknown, target: S3Target, verb: string, key?: string): CairnError {
  if (err instanceof CairnError) return err;
  const code = s3ErrorCode(err);
  const status = httpStatus(err);
  if (code === 'AbortError') return new OperationCancelledError(`${verb} on ${target.backendName}`, { cause: err });
  if (code === 'NoSuchBucket') return new BucketNotFoundError(target.bucket, target.endpoint, { cause: err });
  if (key !== undefined && (code === 'NoSuchKey' || code === 'NotFound' || status === 404)) return new ObjectNotFoundError(target.backendName, key);
  if (key !== undefined && (code === 'PreconditionFailed' || status === 412)) return new ObjectExistsError(target.backendName, key);
  if (code === 'RequestTimeTooSkewed') return new ClockSkewError(target.endpoint, { cause: err });
  if ((code !== undefined && unauthorizedCodes.has(code)) || status === 401 || status === 403) {
    return new EndpointUnauthorizedError(target.endpoint, target.bucket, code ?? `HTTP ${status}`, { cause: err });
  }
  if (code !== undefined && timeoutCodes.has(code)) {
    return new BackendTimeoutError(`${target.endpoint} did not answer in time (${verb}${key ? ` "${key}"` : ''}).`, { cause: err });
  }
  if (code !== undefined && unreachableCodes.has(code)) {
    return new BackendUnavailableError(`Cannot reach ${target.endpoint} (${code}) to ${verb}${key ? ` "${key}"` : ''}.`, {
      hint: 'Check the endpoint URL, the network, and that the server is running; Cairn retries on its own.',
      cause: err,
      details: { code },
    });
  }
  if (status !== undefined && (status >= 500 || status === 429)) {
    return new BackendUnavailableError(`${target.endpoint} answered HTTP ${status}${code ? ` ${code}` : ''} to ${verb}${key ? ` "${key}"` : ''}.`, {
      cause: err,
      details: { status, code },
    });
  }
  if (code === 'QuotaExceeded' || code === 'ServiceQuotaExceeded') {
    return new CairnError('QUOTA_EXCEEDED', `Bucket "${target.bucket}" at ${target.endpoint} is over its quota.`, {
      hint: 'Free space in the bucket or raise its quota with the storage provider.',
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CairnError('IO', `${target.endpoint} failed to ${verb}${key ? ` "${key}"` : ''} in bucket "${target.bucket}": ${code ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${message}`, {
    hint: 'Check the endpoint settings; the log has the full error.',
    cause: err,
  });
}
