import { z } from 'zod';
import type { Backend } from '../backends/backend';
import { ObjectNotFoundError } from '../backends/backend';
import { CorruptRepositoryError } from './errors';

/** The format version this build reads and writes. */
export const repositoryFormatVersion = 1;

const chunkerSchema = z.object({
  minSize: z.number().int().positive(),
  avgSize: z.number().int().positive(),
  maxSize: z.number().int().positive(),
});

export const repoConfigSchema = z.object({
  format: z.literal('cairn-repository'),
  version: z.number().int().positive(),
  id: z.string().regex(/^[0-9a-f]{32}$/),
  created: z.string(),
  chunker: chunkerSchema,
  packTargetSize: z.number().int().positive(),
  compression: z.enum(['zstd', 'none']),
  /** Present when encrypted: keys/ holds the master key wrapped by the passphrase. */
  encryption: z.object({ cipher: z.literal('aes-256-gcm'), kdf: z.literal('scrypt') }).nullable(),
  /**
   * Only in unencrypted repositories: the key that authenticates manifest objects and the
   * chunker seed. Encrypted repositories derive both from the master key instead.
   */
  plainKeys: z.object({ macKey: z.string(), chunkerSeed: z.string() }).nullable(),
});

export type RepoConfig = z.infer<typeof repoConfigSchema>;

export const defaultChunker = { minSize: 512 * 1024, avgSize: 1024 * 1024, maxSize: 8 * 1024 * 1024 } as const;
export const defaultPackTargetSize = 16 * 1024 * 1024;

export const configKey = 'config';

/** Reads and validates `config`; a missing one is null, a damaged one a clear error. */
export async function readConfig(backend: Backend): Promise<RepoConfig | null> {
  let bytes: Buffer;
  try {
    bytes = await backend.get(configKey);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new CorruptRepositoryError(`The repository config (${backend.name}/config)`, 'it is not valid JSON');
  }
  const version = (json as { version?: unknown })?.version;
  if (typeof version === 'number' && version > repositoryFormatVersion) {
    throw new CorruptRepositoryError(
      `The repository config (${backend.name}/config)`,
      `it has format version ${version}, newer than this Cairn understands (${repositoryFormatVersion})`,
      'Upgrade Cairn to open this repository.',
    );
  }
  const parsed = repoConfigSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new CorruptRepositoryError(
      `The repository config (${backend.name}/config)`,
      `${first?.path.join('.') || 'config'}: ${first?.message ?? 'invalid'}`,
    );
  }
  const config = parsed.data;
  const { minSize, avgSize, maxSize } = config.chunker;
  if (!(minSize < avgSize && avgSize <= maxSize)) {
    throw new CorruptRepositoryError(`The repository config (${backend.name}/config)`, 'its chunker sizes are inconsistent');
  }
  return config;
}

export async function writeConfig(backend: Backend, config: RepoConfig): Promise<void> {
  await backend.put(configKey, Buffer.from(`${JSON.stringify(config, null, 2)}\n`), { ifNoneMatch: true });
}
