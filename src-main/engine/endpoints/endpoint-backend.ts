import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../backends/backend';
import { LocalBackend } from '../backends/local-backend';
import { RateLimitedBackend } from '../backends/rate-limited-backend';
import { RetryingBackend, type RetryingBackendOptions } from '../backends/retrying-backend';
import { S3Backend } from '../backends/s3-backend';
import type { Clock } from '../backends/token-bucket';
import { CairnError } from '../../../src-shared/errors';
import type { EndpointConfig } from './config';

export interface EndpointBackendOptions {
  /** Retry policy and hooks (tests shorten the waits; the engine logs retries). */
  retry?: RetryingBackendOptions;
  /** The bandwidth limit's clock (tests count the waits instead of sleeping them). */
  clock?: Clock;
}

/**
 * The backend for an endpoint: S3 with the options S3-compatible servers need, limited to the
 * endpoint's `bandwidthLimit` (bytes per second, uploads and downloads together), wrapped in
 * retries. The limit sits inside the retries, so a retried transfer is charged again: the
 * limit is on bytes on the wire, not on bytes that arrive.
 */
export function endpointBackend(endpoint: EndpointConfig, options: EndpointBackendOptions = {}): Backend {
  // `file:///folder` is an endpoint on a mounted disk (or a test's second folder): the bucket
  // and prefix are folders under it.
  if (endpoint.url.startsWith('file:')) return new LocalBackend(path.join(folderOf(endpoint.url), endpoint.bucket, endpoint.prefix));
  const s3 = new S3Backend({
    endpoint: endpoint.url,
    region: endpoint.region,
    bucket: endpoint.bucket,
    prefix: endpoint.prefix,
    accessKeyId: endpoint.accessKeyId,
    secretAccessKey: endpoint.secretAccessKey,
    forcePathStyle: true,
    ...(endpoint.storageClass ? { storageClass: endpoint.storageClass as never } : {}),
  });
  const limited = endpoint.bandwidthLimit > 0 ? new RateLimitedBackend(s3, { bytesPerSecond: endpoint.bandwidthLimit, ...(options.clock ? { clock: options.clock } : {}) }) : s3;
  return new RetryingBackend(limited, options.retry);
}

function folderOf(url: string): string {
  try {
    return fileURLToPath(url);
  } catch (err) {
    throw new CairnError('INVALID_INPUT', `The endpoint URL ${url} is not a folder on this machine.`, { hint: 'Use file:///absolute/path for a folder endpoint.', cause: err });
  }
}
