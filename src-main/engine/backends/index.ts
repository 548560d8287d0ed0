/** Storage backends (DESIGN.md 4): the Backend interface, its implementations and wrappers. */
export * from './backend';
export * from './backend-errors';
export { assertRangeWithin, assertValidRange } from './byte-range';
export { compareKeys } from './key-order';

export { LocalBackend, type LocalBackendOptions } from './local-backend';
export { nodeFileSystem, type LocalFileSystem } from './local-file-system';

export { S3Backend, type S3BackendOptions } from './s3-backend';
export { createS3Client, type S3ConnectionOptions } from './s3-client';
export { loadS3Presigner, loadS3Sdk, type S3Sdk } from './s3-sdk';
export {
  BucketNotFoundError,
  ClockSkewError,
  ConditionalWriteUnsupportedError,
  EndpointUnauthorizedError,
  StoredSizeMismatchError,
  toS3Error,
  type S3Target,
} from './s3-errors';

export { RetryingBackend, type RetryEvent, type RetryingBackendOptions } from './retrying-backend';
export { backoffDelayMs, defaultRetryPolicy, isRetryable, realSleep, type RetryPolicy, type Sleep } from './retry-policy';
export { RateLimitedBackend, type RateLimitedBackendOptions } from './rate-limited-backend';
export { TokenBucket, realClock, type Clock, type TokenBucketOptions } from './token-bucket';
export {
  InstrumentedBackend,
  backendVerbs,
  type BackendOperation,
  type BackendStatsSnapshot,
  type BackendVerb,
  type InstrumentedBackendOptions,
} from './instrumented-backend';
