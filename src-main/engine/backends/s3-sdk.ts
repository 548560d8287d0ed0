import type * as ClientS3 from '@aws-sdk/client-s3';
import type * as LibStorage from '@aws-sdk/lib-storage';
import type * as RequestPresigner from '@aws-sdk/s3-request-presigner';

/*
 * The AWS SDK is loaded on first use, never by a static import: loading @aws-sdk/client-s3 and
 * lib-storage costs about 350 ms and 20 MB, which every `cairn` command would pay at startup,
 * while most (snapshot, add, restore, check, stats, log...) never talk to S3. Only type imports
 * of @aws-sdk/* belong elsewhere in src-main; values come through these loaders.
 */

export interface S3Sdk {
  /** @aws-sdk/client-s3: S3Client and the commands. */
  readonly s3: typeof ClientS3;
  /** @aws-sdk/lib-storage: the multipart Upload. */
  readonly storage: typeof LibStorage;
}

let sdk: Promise<S3Sdk> | undefined;
let presigner: Promise<typeof RequestPresigner> | undefined;

/** The S3 client and lib-storage, imported once (a failed import is retried on the next call). */
export function loadS3Sdk(): Promise<S3Sdk> {
  sdk ??= Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]).then(
    ([s3, storage]) => ({ s3, storage }),
    (err: unknown) => {
      sdk = undefined;
      throw err;
    },
  );
  return sdk;
}

/** @aws-sdk/s3-request-presigner (share links), imported once. */
export function loadS3Presigner(): Promise<typeof RequestPresigner> {
  presigner ??= import('@aws-sdk/s3-request-presigner').catch((err: unknown) => {
    presigner = undefined;
    throw err;
  });
  return presigner;
}
