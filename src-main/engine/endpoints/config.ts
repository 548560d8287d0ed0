import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CairnError } from '../../../src-shared/errors';

/**
 * Endpoints are device-local settings (never synced): where this device backs up to, or syncs
 * through. Kept in `<repository>/local/endpoints.json` with 0600 permissions, because it holds
 * credentials; the desktop app keeps secrets in the OS keychain instead (safeStorage).
 */
export const endpointNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-", starting with a letter or digit');

export const endpointConfigSchema = z.object({
  name: endpointNameSchema,
  url: z.string().url(),
  region: z.string().min(1).max(64).default('us-east-1'),
  bucket: z.string().min(3).max(63),
  prefix: z
    .string()
    .max(512)
    .default('')
    .refine((p) => !p.startsWith('/') && !p.includes('..'), 'must be relative, without ".."'),
  accessKeyId: z.string().min(1).max(256),
  secretAccessKey: z.string().min(1).max(256),
  role: z.enum(['backup', 'sync']).default('backup'),
  storageClass: z.string().max(64).optional(),
  /** Bytes per second for uploads and downloads; 0 = unlimited. */
  bandwidthLimit: z.number().int().nonnegative().default(0),
  /**
   * Continuous mirroring: the engine that owns the repository copies every new pack, index and
   * manifest object here in the background, instead of only on `cairn backup`.
   */
  mirror: z.boolean().default(false),
});

export type EndpointConfig = z.infer<typeof endpointConfigSchema>;
export type EndpointInput = z.input<typeof endpointConfigSchema>;

const fileSchema = z.object({ version: z.literal(1), endpoints: z.array(endpointConfigSchema) });

export class EndpointNotFoundError extends CairnError {
  constructor(name: string, known: string[]) {
    super('NOT_FOUND', `There is no endpoint named "${name}".`, {
      hint: known.length > 0 ? `Known endpoints: ${known.join(', ')}.` : 'Add one with `cairn endpoint add`, or set ARTIFACT_ENDPOINT, ARTIFACT_BUCKET, ARTIFACT_ACCESS_KEY and ARTIFACT_SECRET_KEY.',
    });
    this.name = 'EndpointNotFoundError';
  }
}

/** The endpoint `default` described by ARTIFACT_* environment variables, when they are set. */
export function endpointFromEnvironment(env: NodeJS.ProcessEnv = process.env): EndpointConfig | null {
  if (!env.ARTIFACT_ENDPOINT && !env.ARTIFACT_BUCKET) return null;
  const missing = ['ARTIFACT_ENDPOINT', 'ARTIFACT_BUCKET', 'ARTIFACT_ACCESS_KEY', 'ARTIFACT_SECRET_KEY'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new CairnError('INVALID_INPUT', `The endpoint from the environment is incomplete: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set.`, {
      hint: 'Set all of ARTIFACT_ENDPOINT, ARTIFACT_BUCKET, ARTIFACT_ACCESS_KEY and ARTIFACT_SECRET_KEY (ARTIFACT_REGION is optional).',
    });
  }
  return parseEndpoint({
    name: 'default',
    url: env.ARTIFACT_ENDPOINT!,
    region: env.ARTIFACT_REGION || 'us-east-1',
    bucket: env.ARTIFACT_BUCKET!,
    accessKeyId: env.ARTIFACT_ACCESS_KEY!,
    secretAccessKey: env.ARTIFACT_SECRET_KEY!,
  });
}

export function parseEndpoint(input: unknown): EndpointConfig {
  const parsed = endpointConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'endpoint'}: ${i.message}`);
    throw new CairnError('INVALID_INPUT', `Invalid endpoint settings: ${problems.join('; ')}.`);
  }
  return parsed.data;
}

/**
 * Where endpoint secrets go when the host has an OS keychain (the desktop: Electron
 * safeStorage). Without one, the secret stays in the 0600 endpoint file.
 */
export interface EndpointSecrets {
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<boolean>;
}

/** Written in place of a secret that lives in the keychain. */
const inKeychain = '@keychain';
const secretName = (endpoint: string) => `endpoint:${endpoint}:secretAccessKey`;

/** Reads and writes the endpoint list of one repository on this device. */
export class EndpointStore {
  constructor(
    private readonly file: string,
    private readonly secrets: EndpointSecrets | null = null,
  ) {}

  static forLocalDir(localDir: string, secrets: EndpointSecrets | null = null): EndpointStore {
    return new EndpointStore(path.join(localDir, 'endpoints.json'), secrets);
  }

  async list(env: NodeJS.ProcessEnv = process.env): Promise<EndpointConfig[]> {
    return (await this.listWithSource(env)).map((e) => e.endpoint);
  }

  /** Stored endpoints, plus `default` from ARTIFACT_* variables unless one is stored under that name. */
  async listWithSource(env: NodeJS.ProcessEnv = process.env): Promise<Array<{ endpoint: EndpointConfig; source: 'settings' | 'environment' }>> {
    const stored = (await this.read()).map((endpoint) => ({ endpoint, source: 'settings' as const }));
    const fromEnv = endpointFromEnvironment(env);
    return fromEnv && !stored.some((e) => e.endpoint.name === fromEnv.name) ? [...stored, { endpoint: fromEnv, source: 'environment' as const }] : stored;
  }

  async get(name: string, env: NodeJS.ProcessEnv = process.env): Promise<EndpointConfig> {
    const all = await this.list(env);
    const found = all.find((e) => e.name === name);
    if (!found) throw new EndpointNotFoundError(name, all.map((e) => e.name));
    return found;
  }

  async upsert(endpoint: EndpointConfig): Promise<void> {
    const all = (await this.readStored()).filter((e) => e.name !== endpoint.name);
    let stored = endpoint;
    if (this.secrets) {
      await this.secrets.set(secretName(endpoint.name), endpoint.secretAccessKey);
      stored = { ...endpoint, secretAccessKey: inKeychain };
    }
    await this.write([...all, stored]);
  }

  async remove(name: string): Promise<void> {
    const all = await this.readStored();
    if (!all.some((e) => e.name === name)) throw new EndpointNotFoundError(name, all.map((e) => e.name));
    await this.write(all.filter((e) => e.name !== name));
    await this.secrets?.delete(secretName(name));
  }

  /** The endpoints with their secrets filled in from the keychain where they live. */
  private async read(): Promise<EndpointConfig[]> {
    const stored = await this.readStored();
    return Promise.all(
      stored.map(async (endpoint) => {
        if (endpoint.secretAccessKey !== inKeychain) return endpoint;
        const secret = this.secrets ? await this.secrets.get(secretName(endpoint.name)) : null;
        if (secret === null) {
          throw new CairnError('NOT_FOUND', `The secret key of endpoint "${endpoint.name}" is kept in the desktop app's keychain, which is not available here (or lost it).`, {
            hint: 'Use the endpoint from the desktop app, or add it again here with `cairn endpoint add`.',
          });
        }
        return { ...endpoint, secretAccessKey: secret };
      }),
    );
  }

  private async readStored(): Promise<EndpointConfig[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const parsed = fileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new CairnError('CORRUPT', `The endpoint settings ${this.file} are damaged: ${parsed.error.issues[0]?.message}.`, {
        hint: 'Fix the file by hand, or delete it and add the endpoints again.',
      });
    }
    return parsed.data.endpoints;
  }

  private async write(endpoints: EndpointConfig[]): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    await fs.writeFile(tmp, `${JSON.stringify({ version: 1, endpoints }, null, 2)}\n`, { mode: 0o600 });
    await fs.rename(tmp, this.file);
  }
}

/** What may be shown about an endpoint (never the secret). */
export function redactEndpoint(endpoint: EndpointConfig): Omit<EndpointConfig, 'secretAccessKey'> & { secretAccessKey: '***' } {
  return { ...endpoint, secretAccessKey: '***' };
}
