import type { Readable } from 'node:stream';
import { CairnError } from '../../../src-shared/errors';

/**
 * The storage a repository lives on (DESIGN.md section 4). Few verbs, one meaning on every
 * backend: a flat namespace of immutable objects named by `/`-separated keys. The repository
 * code is written once on top of this; storage concerns (retry, rate limit, logging) are
 * wrappers that implement it around another backend.
 *
 * Keys are relative (`packs/ab/ab12…`), never start with `/`, never contain `..`, `\`, NUL or
 * empty segments. Two names are reserved on every backend so a repository copies between them
 * unchanged: a first segment `local` (device-local state beside a folder repository) and any
 * segment starting with `.tmp-` (writes in progress on a folder).
 */
export interface Backend {
  /** A short label for messages: `local:/path`, `s3:bucket/prefix`. */
  readonly name: string;

  /** The whole object, or `range` (inclusive start, byte length). NotFound if absent. */
  get(key: string, range?: ByteRange): Promise<Buffer>;

  /** Streams an object (for restores of large packs without holding them in memory). */
  getStream(key: string, range?: ByteRange): Promise<Readable>;

  /**
   * Writes an object durably: when this resolves, the object survives a crash. With
   * `ifNoneMatch: true` it fails with `ObjectExistsError` if the key exists (create-only).
   * A write is all-or-nothing: readers never see a partial object.
   */
  put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<PutResult>;

  /** Size and modification time, or null when absent. */
  head(key: string): Promise<ObjectInfo | null>;

  /**
   * Keys under `prefix` in lexicographic (byte) order, after `startAfter` when given.
   * Async iteration so a listing of a million keys never sits in memory at once.
   */
  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectInfo>;

  /** Removes an object; deleting an absent key is not an error. */
  delete(key: string): Promise<void>;

  /** Releases connections and handles. */
  close?(): Promise<void>;

  /**
   * Optional capability: aborts multipart uploads under this backend's prefix that were started
   * before `olderThan` and never completed (a crash mid-upload leaves them, and the storage they
   * hold is billed but invisible). Backends without multipart uploads do not implement it;
   * `supported: false` when the server does not offer the calls (s3rver).
   */
  abortIncompleteUploads?(olderThan: Date, signal?: AbortSignal): Promise<IncompleteUploadsReport>;
}

export interface IncompleteUploadsReport {
  /** False when the server lacks ListMultipartUploads / AbortMultipartUpload. */
  supported: boolean;
  /** Uploads found older than the cut-off and aborted. */
  aborted: number;
  /** Younger uploads left alone (another writer may still be sending them). */
  kept: number;
}

export interface ByteRange {
  /** First byte (0-based). */
  offset: number;
  /** Number of bytes. */
  length: number;
}

export interface PutOptions {
  ifNoneMatch?: boolean;
  /** Length of a stream body when known (S3 needs it to avoid buffering). */
  contentLength?: number;
  /** Cancels the upload. */
  signal?: AbortSignal;
}

export interface PutResult {
  size: number;
  /** Lowercase hex SHA-256 of what was stored, when the backend computed it. */
  sha256?: string;
}

export interface ObjectInfo {
  key: string;
  size: number;
  modified: Date;
}

export interface ListOptions {
  startAfter?: string;
  signal?: AbortSignal;
}

export class ObjectNotFoundError extends CairnError {
  constructor(
    readonly backendName: string,
    readonly key: string,
  ) {
    super('NOT_FOUND', `Object "${key}" is missing from ${backendName}.`, {
      hint: 'The repository may be damaged: run `cairn check`, or `cairn verify` for an endpoint.',
    });
    this.name = 'ObjectNotFoundError';
  }
}

export class ObjectExistsError extends CairnError {
  constructor(
    readonly backendName: string,
    readonly key: string,
  ) {
    super('ALREADY_EXISTS', `Object "${key}" already exists on ${backendName}.`);
    this.name = 'ObjectExistsError';
  }
}

export class InvalidKeyError extends CairnError {
  constructor(key: string, why: string) {
    super('INVALID_INPUT', `Invalid object key "${key.slice(0, 200)}": ${why}.`);
    this.name = 'InvalidKeyError';
  }
}

/** First key segment of device-local state kept beside a folder repository; never an object. */
export const reservedLocalSegment = 'local';

/** Prefix of in-progress temporary files on a folder backend; never an object. */
export const temporaryNamePrefix = '.tmp-';

/** Rejects keys that could escape a folder or mean different things on different backends. */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidKeyError(String(key), 'empty');
  if (key.length > 1024) throw new InvalidKeyError(key, 'longer than 1024 characters');
  if (key.startsWith('/')) throw new InvalidKeyError(key, 'starts with /');
  if (key.includes('\\') || key.includes('\0')) throw new InvalidKeyError(key, 'contains \\ or NUL');
  const segments = key.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') throw new InvalidKeyError(key, 'has an empty, . or .. segment');
    if (segment.startsWith(temporaryNamePrefix)) throw new InvalidKeyError(key, `has a segment starting with "${temporaryNamePrefix}", which is reserved for writes in progress`);
  }
  if (segments[0] === reservedLocalSegment) throw new InvalidKeyError(key, `its first segment "${reservedLocalSegment}" is reserved for device-local state`);
}
