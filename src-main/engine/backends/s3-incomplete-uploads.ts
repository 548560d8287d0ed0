import type { S3Client } from '@aws-sdk/client-s3';
import type { IncompleteUploadsReport } from './backend';
import { httpStatus, s3ErrorCode, toS3Error, type S3Target } from './s3-errors';
import { loadS3Sdk } from './s3-sdk';

/**
 * Finds multipart uploads under `prefix` started before `olderThan` and aborts them. An upload
 * cut by a crash is never completed, so it is invisible to listings yet keeps its parts (and
 * the bill) until aborted. Younger uploads are left: another writer may still be sending them.
 * A server without these calls (s3rver answers 501) reports `supported: false`.
 */
export async function abortIncompleteUploads(
  client: S3Client,
  target: S3Target,
  prefix: string,
  olderThan: Date,
  signal?: AbortSignal,
): Promise<IncompleteUploadsReport> {
  const { AbortMultipartUploadCommand, ListMultipartUploadsCommand } = (await loadS3Sdk()).s3;
  const stale: Array<{ key: string; uploadId: string }> = [];
  let kept = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    let page;
    try {
      page = await client.send(
        new ListMultipartUploadsCommand({
          Bucket: target.bucket,
          Prefix: prefix,
          ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
          ...(uploadIdMarker !== undefined ? { UploadIdMarker: uploadIdMarker } : {}),
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      if (isNotImplemented(err)) return { supported: false, aborted: 0, kept: 0 };
      throw toS3Error(err, target, 'list incomplete uploads');
    }
    for (const upload of page.Uploads ?? []) {
      if (upload.Key === undefined || upload.UploadId === undefined) continue;
      // An upload without a start time is treated as old: nothing can be waiting on it forever.
      if (upload.Initiated === undefined || upload.Initiated < olderThan) stale.push({ key: upload.Key, uploadId: upload.UploadId });
      else kept++;
    }
    if (!page.IsTruncated) break;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
    if (keyMarker === undefined && uploadIdMarker === undefined) break;
  }
  let aborted = 0;
  for (const { key, uploadId } of stale) {
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: key, UploadId: uploadId }), { abortSignal: signal });
      aborted++;
    } catch (err) {
      // Completed or aborted by someone else meanwhile: nothing left to clean.
      if (s3ErrorCode(err) === 'NoSuchUpload' || httpStatus(err) === 404) continue;
      if (isNotImplemented(err)) return { supported: false, aborted, kept };
      throw toS3Error(err, target, `abort the incomplete upload of "${key}"`);
    }
  }
  return { supported: true, aborted, kept };
}

function isNotImplemented(err: unknown): boolean {
  return httpStatus(err) === 501 || s3ErrorCode(err) === 'NotImplemented';
}
