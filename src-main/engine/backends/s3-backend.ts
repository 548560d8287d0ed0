import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { GetObjectCommandOutput, S3Client, StorageClass } from '@aws-sdk/client-s3';
import { CairnError, InvalidInputError } from '../../../src-shared/errors';
import {
  ObjectExistsError,
  ObjectNotFoundError,
  assertValidKey,
  type Backend,
  type ByteRange,
  type IncompleteUploadsReport,
  type ListOptions,
  type ObjectInfo,
  type PutOptions,
  type PutResult,
} from './backend';
import { BodyLengthMismatchError, BodySourceError, OperationCancelledError, RangeNotSatisfiableError } from './backend-errors';
import { assertRangeWithin, assertValidRange } from './byte-range';
import { checkedBodyStream, readWholeBody } from './s3-body';
import { createS3Client, type S3ConnectionOptions } from './s3-client';
import { abortIncompleteUploads } from './s3-incomplete-uploads';
import { ConditionalWriteUnsupportedError, StoredSizeMismatchError, httpStatus, s3ErrorCode, toS3Error, type S3Target } from './s3-errors';
import { loadS3Sdk, type S3Sdk } from './s3-sdk';

export interface S3BackendOptions extends S3ConnectionOptions {
  bucket: string;
  /** Folder inside the bucket that holds the repository (`cairn/laptop`); '' for the bucket root. */
  prefix?: string;
  storageClass?: StorageClass;
  /** Buffers up to this size go in one PutObject with Content-MD5; larger ones and streams use multipart. Default 32 MiB. */
  singlePutMaxBytes?: number;
  /** Multipart part size (at least 5 MiB). Default 16 MiB. */
  partSizeBytes?: number;
  /** Parts in flight per upload. Default 4. */
  uploadConcurrency?: number;
  /**
   * How create-only writes are made. 'auto' (default) sends `If-None-Match: *` and, the first
   * time the server answers 501 NotImplemented (Swift s3api), switches to 'check-first'.
   * 'check-first' HEADs the key and PUTs only if absent: two devices creating the same key at
   * the same instant can both succeed, the later one replacing the earlier. Repository keys are
   * unique by design (content ids, per-device sequences), so that race is harmless there.
   */
  createOnly?: 'auto' | 'check-first';
  /** Keys per ListObjectsV2 page (1..1000). Default 1000. */
  listPageSize?: number;
}

const MiB = 1024 * 1024;
/** S3 allows at most this many parts in one multipart upload. */
const maxParts = 10_000;

/**
 * A repository in an S3-compatible bucket (DESIGN.md 4), through @aws-sdk/client-s3. Every write
 * is verified: Content-MD5 on single PUTs, the stored size checked by HEAD after multipart
 * uploads. The SDK does not retry (see S3ConnectionOptions.sdkMaxAttempts): wrap this in a
 * RetryingBackend. The SDK and the client are loaded on first use (see s3-sdk.ts), so merely
 * constructing one (every engine does, for its endpoints) costs nothing.
 */
export class S3Backend implements Backend {
  readonly name: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly connection: S3ConnectionOptions;
  private clientPromise: Promise<S3Client> | undefined;
  private readonly target: S3Target;
  private readonly singlePutMaxBytes: number;
  private readonly partSizeBytes: number;
  private readonly uploadConcurrency: number;
  private readonly listPageSize: number;
  private readonly storageClass: StorageClass | undefined;
  private conditionalPut: 'untested' | 'works' | 'unsupported';

  constructor(options: S3BackendOptions) {
    if (!options.bucket) throw new InvalidInputError('an S3 endpoint', ['the bucket name is empty']);
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix ?? '');
    this.name = `s3:${this.bucket}${this.prefix ? '/' + this.prefix.slice(0, -1) : ''}`;
    this.target = { endpoint: options.endpoint, bucket: this.bucket, backendName: this.name };
    this.connection = options;
    this.singlePutMaxBytes = options.singlePutMaxBytes ?? 32 * MiB;
    this.partSizeBytes = Math.max(options.partSizeBytes ?? 16 * MiB, 5 * MiB);
    this.uploadConcurrency = Math.max(1, options.uploadConcurrency ?? 4);
    this.listPageSize = Math.min(1000, Math.max(1, options.listPageSize ?? 1000));
    this.storageClass = options.storageClass;
    this.conditionalPut = options.createOnly === 'check-first' ? 'unsupported' : 'untested';
  }

  async get(key: string, range?: ByteRange): Promise<Buffer> {
    const { response, length } = await this.getObject(key, range);
    try {
      return await readWholeBody(response.Body, { backendName: this.name, key, length });
    } catch (err) {
      throw toS3Error(err, this.target, 'read', key);
    }
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    const { response, length } = await this.getObject(key, range);
    return checkedBodyStream(response.Body, { backendName: this.name, key, length });
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions = {}): Promise<PutResult> {
    try {
      assertValidKey(key);
      if (options.signal?.aborted) throw new OperationCancelledError(`writing "${key}" to ${this.name}`, { cause: options.signal.reason });
    } catch (err) {
      if (!Buffer.isBuffer(body)) body.destroy();
      throw err;
    }
    if (Buffer.isBuffer(body) && body.length <= this.singlePutMaxBytes) return this.putSingle(key, body, options);
    return this.putMultipart(key, body, options);
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    const { client, s3 } = await this.sdk();
    try {
      const response = await client.send(new s3.HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      return { key, size: response.ContentLength ?? 0, modified: response.LastModified ?? new Date(0) };
    } catch (err) {
      const mapped = toS3Error(err, this.target, 'look up', key);
      if (mapped instanceof ObjectNotFoundError) return null;
      throw mapped;
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    let continuationToken: string | undefined;
    let first = true;
    const { client, s3 } = await this.sdk();
    while (first || continuationToken !== undefined) {
      let page;
      try {
        page = await client.send(
          new s3.ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            MaxKeys: this.listPageSize,
            // Keys come back URL-encoded: XML 1.0 cannot carry every character a key may hold
            // (Swift answers 500 to a listing with U+FFFF in it otherwise).
            EncodingType: 'url',
            ...(first && options.startAfter !== undefined ? { StartAfter: this.prefix + options.startAfter } : {}),
            ...(continuationToken !== undefined ? { ContinuationToken: continuationToken } : {}),
          }),
          { abortSignal: options.signal },
        );
      } catch (err) {
        throw toS3Error(err, this.target, `list "${prefix}"`);
      }
      first = false;
      for (const object of page.Contents ?? []) {
        // Servers that ignore the encoding request (s3rver) say so by leaving EncodingType out.
        const fullKey = object.Key === undefined ? undefined : page.EncodingType === 'url' ? decodeListedKey(object.Key) : object.Key;
        if (fullKey === undefined || !fullKey.startsWith(this.prefix)) continue;
        const key = fullKey.slice(this.prefix.length);
        // Objects that are not valid keys were not written by Cairn; they are not in the namespace.
        if (!isValidKey(key)) continue;
        yield { key, size: object.Size ?? 0, modified: object.LastModified ?? new Date(0) };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (page.IsTruncated && continuationToken === undefined) {
        throw new CairnError('IO', `${this.target.endpoint} cut the listing of "${prefix}" short without a continuation token.`, {
          hint: 'The server does not implement ListObjectsV2 paging correctly; use a different S3-compatible server.',
        });
      }
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    const { client, s3 } = await this.sdk();
    try {
      await client.send(new s3.DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
    } catch (err) {
      const mapped = toS3Error(err, this.target, 'delete', key);
      if (mapped instanceof ObjectNotFoundError) return;
      throw mapped;
    }
  }

  async close(): Promise<void> {
    // A backend that never sent a request has no client (and no sockets) to destroy.
    if (this.clientPromise === undefined) return;
    const client = await this.clientPromise.catch(() => undefined);
    client?.destroy();
  }

  /** Aborts multipart uploads under this prefix left by a crash (see Backend.abortIncompleteUploads). */
  async abortIncompleteUploads(olderThan: Date, signal?: AbortSignal): Promise<IncompleteUploadsReport> {
    return abortIncompleteUploads(await this.client(), this.target, this.prefix, olderThan, signal);
  }

  /** The S3 client, created (and the SDK loaded) on first use; a failed creation is retried next time. */
  private client(): Promise<S3Client> {
    this.clientPromise ??= createS3Client(this.connection).catch((err: unknown) => {
      this.clientPromise = undefined;
      throw err;
    });
    return this.clientPromise;
  }

  /** The client, with the SDK modules: client-s3 (the commands) and lib-storage (Upload). */
  private async sdk(): Promise<{ client: S3Client } & S3Sdk> {
    const [client, sdk] = await Promise.all([this.client(), loadS3Sdk()]);
    return { client, ...sdk };
  }

  /** Sends GetObject; refuses ranges outside the object before reading any body. */
  private async getObject(key: string, range: ByteRange | undefined): Promise<{ response: GetObjectCommandOutput; length: number | undefined }> {
    assertValidKey(key);
    if (range) assertValidRange(range);
    if (range && range.length === 0) return this.emptyRangeResponse(key, range);
    const { client, s3 } = await this.sdk();
    let response: GetObjectCommandOutput;
    try {
      response = await client.send(
        new s3.GetObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          ...(range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {}),
        }),
      );
    } catch (err) {
      if (range && (httpStatus(err) === 416 || s3ErrorCode(err) === 'InvalidRange')) {
        const info = await this.head(key);
        if (!info) throw new ObjectNotFoundError(this.name, key);
        throw new RangeNotSatisfiableError(this.name, key, range, info.size);
      }
      throw toS3Error(err, this.target, 'read', key);
    }
    const length = response.ContentLength;
    if (range && length !== range.length) {
      destroyBody(response.Body);
      const total = Number(/\/(\d+)$/.exec(response.ContentRange ?? '')?.[1] ?? range.offset + (length ?? 0));
      throw new RangeNotSatisfiableError(this.name, key, range, total);
    }
    return { response, length };
  }

  private async emptyRangeResponse(key: string, range: ByteRange): Promise<{ response: GetObjectCommandOutput; length: number }> {
    const info = await this.head(key);
    if (!info) throw new ObjectNotFoundError(this.name, key);
    assertRangeWithin(this.name, key, range, info.size);
    return { response: { Body: Readable.from([]), $metadata: {} } as unknown as GetObjectCommandOutput, length: 0 };
  }

  /** One PutObject with Content-MD5, so the server verifies every byte it stores. */
  private async putSingle(key: string, body: Buffer, options: PutOptions): Promise<PutResult> {
    const createOnly = options.ifNoneMatch === true;
    const conditional = createOnly && (await this.prepareCreateOnly(key));
    const { client, s3 } = await this.sdk();
    try {
      await client.send(
        new s3.PutObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          Body: body,
          ContentLength: body.length,
          ContentMD5: createHash('md5').update(body).digest('base64'),
          ...(this.storageClass ? { StorageClass: this.storageClass } : {}),
          ...(conditional ? { IfNoneMatch: '*' } : {}),
        }),
        { abortSignal: options.signal },
      );
    } catch (err) {
      if (conditional && isNotImplemented(err)) {
        this.conditionalPut = 'unsupported';
        return this.putSingle(key, body, options);
      }
      throw toS3Error(err, this.target, 'write', key);
    }
    if (conditional) this.conditionalPut = 'works';
    return { size: body.length };
  }

  /** lib-storage multipart upload (aborted on failure), then a HEAD to check the stored size. */
  private async putMultipart(key: string, body: Buffer | Readable, options: PutOptions): Promise<PutResult> {
    const createOnly = options.ifNoneMatch === true;
    let conditional: boolean;
    let sdk: { client: S3Client } & S3Sdk;
    try {
      conditional = createOnly && (await this.prepareCreateOnly(key));
      sdk = await this.sdk();
    } catch (err) {
      if (!Buffer.isBuffer(body)) body.destroy();
      throw err;
    }
    const measured = Buffer.isBuffer(body) ? null : measureBody(body, key, options.contentLength);
    const expectedSize = Buffer.isBuffer(body) ? body.length : options.contentLength;
    const upload = new sdk.storage.Upload({
      client: sdk.client,
      params: {
        Bucket: this.bucket,
        Key: this.prefix + key,
        Body: measured ? measured.stream : body,
        ...(this.storageClass ? { StorageClass: this.storageClass } : {}),
        ...(conditional ? { IfNoneMatch: '*' } : {}),
      },
      partSize: Math.max(this.partSizeBytes, Math.ceil((expectedSize ?? 0) / maxParts)),
      queueSize: this.uploadConcurrency,
      leavePartsOnError: false,
    });
    const abort = () => void upload.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      await upload.done();
    } catch (err) {
      if (measured?.failure()) throw measured.failure();
      if (options.signal?.aborted) throw new OperationCancelledError(`writing "${key}" to ${this.name}`, { cause: err });
      if (conditional && isNotImplemented(err)) {
        this.conditionalPut = 'unsupported';
        if (Buffer.isBuffer(body)) return this.putMultipart(key, body, options);
        throw new ConditionalWriteUnsupportedError(this.target.endpoint, key, { cause: err });
      }
      throw toS3Error(err, this.target, 'write', key);
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
    if (conditional) this.conditionalPut = 'works';
    const size = measured ? measured.bytes() : (body as Buffer).length;
    await this.verifyStoredSize(key, size);
    return { size };
  }

  /**
   * For a create-only write: true when the PUT should carry `If-None-Match: *`; false when this
   * server cannot, in which case the key was checked to be absent (racy, see createOnly).
   */
  private async prepareCreateOnly(key: string): Promise<boolean> {
    if (this.conditionalPut !== 'unsupported') return true;
    if (await this.head(key)) throw new ObjectExistsError(this.name, key);
    return false;
  }

  private async verifyStoredSize(key: string, size: number): Promise<void> {
    const stored = await this.head(key);
    if (stored?.size === size) return;
    await this.delete(key).catch(() => undefined);
    throw new StoredSizeMismatchError(this.target, key, size, stored?.size);
  }
}

/** Counts a stream body on its way to lib-storage and keeps the first source failure. */
function measureBody(body: Readable, key: string, announced: number | undefined) {
  let bytes = 0;
  let failure: CairnError | undefined;
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of body) {
        const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        bytes += buffer.length;
        if (announced !== undefined && bytes > announced) throw new BodyLengthMismatchError(key, announced, bytes);
        yield buffer;
      }
      if (announced !== undefined && bytes !== announced) throw new BodyLengthMismatchError(key, announced, bytes);
    } catch (err) {
      failure = err instanceof CairnError ? err : new BodySourceError(key, { cause: err });
      body.destroy();
      throw failure;
    }
  }
  return { stream: Readable.from(chunks(), { objectMode: false }), bytes: () => bytes, failure: () => failure };
}

/**
 * A key from a listing made with `encoding-type=url`. AWS writes a space as `+` (and a `+` as
 * %2B); Swift writes %20; decoding `+` as a space first reads both correctly.
 */
function decodeListedKey(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function isNotImplemented(err: unknown): boolean {
  return httpStatus(err) === 501 || s3ErrorCode(err) === 'NotImplemented';
}

function destroyBody(body: unknown): void {
  if (body instanceof Readable) body.destroy();
}

function isValidKey(key: string): boolean {
  try {
    assertValidKey(key);
    return true;
  } catch {
    return false;
  }
}

/** `a/b`, `/a/b/`, `a/b/` all become `a/b/`; '' stays ''. */
function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  for (const segment of trimmed.split('/')) {
    if (segment === '' || segment === '.' || segment === '..' || segment.includes('\\') || segment.includes('\0')) {
      throw new InvalidInputError('an S3 endpoint', [`the prefix "${prefix}" has an empty, . or .. segment, a \\ or a NUL`]);
    }
  }
  return trimmed + '/';
}
