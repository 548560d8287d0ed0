import { CairnError } from '../../../src-shared/errors';
import { createS3Client } from '../backends/s3-client';
import { loadS3Presigner, loadS3Sdk } from '../backends/s3-sdk';
import type { EndpointConfig } from '../endpoints/config';

/** Where an object of an endpoint lives in S3 terms: its bucket and full key (with the prefix). */
export function s3Location(endpoint: EndpointConfig, key: string): { bucket: string; fullKey: string; s3Uri: string } {
  const prefix = endpoint.prefix.replace(/^\/+|\/+$/g, '');
  const fullKey = prefix ? `${prefix}/${key}` : key;
  return { bucket: endpoint.bucket, fullKey, s3Uri: `s3://${endpoint.bucket}/${fullKey}` };
}

/**
 * A presigned GET URL for an object of an S3 endpoint, valid `expiresInSeconds`: anyone with
 * the URL can download the object until then, without credentials. The download is offered as
 * an attachment named `fileName`.
 */
export async function presignedGetUrl(endpoint: EndpointConfig, key: string, expiresInSeconds: number, fileName: string): Promise<string> {
  if (endpoint.url.startsWith('file:')) {
    throw new CairnError('INVALID_INPUT', `Endpoint "${endpoint.name}" is a folder (${endpoint.url}); share links need an S3 endpoint.`, {
      hint: 'Share through an S3-compatible endpoint: `cairn share NAME@vN --endpoint <s3 endpoint>`.',
    });
  }
  const [{ getSignedUrl }, { s3 }] = await Promise.all([loadS3Presigner(), loadS3Sdk()]);
  const client = await createS3Client({
    endpoint: endpoint.url,
    region: endpoint.region,
    accessKeyId: endpoint.accessKeyId,
    secretAccessKey: endpoint.secretAccessKey,
  });
  try {
    const { bucket, fullKey } = s3Location(endpoint, key);
    const command = new s3.GetObjectCommand({
      Bucket: bucket,
      Key: fullKey,
      ResponseContentDisposition: `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    });
    return await getSignedUrl(client, command, { expiresIn: expiresInSeconds });
  } finally {
    client.destroy();
  }
}
