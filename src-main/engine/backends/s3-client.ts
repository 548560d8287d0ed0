import type { S3Client } from '@aws-sdk/client-s3';
import { loadS3Sdk } from './s3-sdk';

export interface S3ConnectionOptions {
  /** `https://s3.example.com` or `http://127.0.0.1:9000`. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Path-style URLs (`endpoint/bucket/key`); most non-AWS servers need it. Default true. */
  forcePathStyle?: boolean;
  /** Give up connecting after this long. Default 10 s. */
  connectTimeoutMs?: number;
  /** Give up when the socket is idle this long mid-request (not a cap on big transfers). Default 60 s. */
  idleTimeoutMs?: number;
  /**
   * Attempts the SDK itself makes per request. Default 1: retrying is RetryingBackend's job, and
   * two retry layers would multiply attempts.
   */
  sdkMaxAttempts?: number;
}

/**
 * An S3 client that works against S3-compatible servers, not just AWS (DESIGN.md 9): checksums
 * only when an operation requires them, since with the default some servers store the
 * aws-chunked framing inside the object without an error. Async because the SDK is loaded on
 * first use (see s3-sdk.ts).
 */
export async function createS3Client(options: S3ConnectionOptions): Promise<S3Client> {
  const { S3Client } = (await loadS3Sdk()).s3;
  return new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    forcePathStyle: options.forcePathStyle ?? true,
    credentials: {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      ...(options.sessionToken === undefined ? {} : { sessionToken: options.sessionToken }),
    },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: options.sdkMaxAttempts ?? 1,
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs ?? 10_000,
      socketTimeout: options.idleTimeoutMs ?? 60_000,
    },
  });
}
