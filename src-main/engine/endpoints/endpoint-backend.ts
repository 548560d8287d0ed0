import type { Backend } from '../backends/backend';
import { RetryingBackend } from '../backends/retrying-backend';
import { S3Backend } from '../backends/s3-backend';
import type { EndpointConfig } from './config';

/**
 * The backend for an endpoint: S3 with the options S3-compatible servers need, wrapped in
 * retries (and a bandwidth limit when one is set).
 */
export function endpointBackend(endpoint: EndpointConfig): Backend {
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
  return new RetryingBackend(s3);
}
