import type { SafeStorage } from 'electron';
import path from 'node:path';
import { z } from 'zod';
import { CairnError } from '../../src-shared/errors';
import { readOptionalFile, writePrivateFile } from './private-file';

/**
 * The parts of Electron's safeStorage we use: only the asynchronous API (the synchronous one is
 * deprecated and goes away in Electron 46; DESIGN.md 9).
 */
export type AsyncSafeStorage = Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'>;

export const secretsFileName = 'secrets.json';

const secretsFileSchema = z.object({
  version: z.literal(1),
  /** name -> base64 of the blob safeStorage produced. */
  secrets: z.record(z.string(), z.string()),
});
type SecretsFile = z.infer<typeof secretsFileSchema>;

const secretNamePattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export class SecretStorageUnavailableError extends CairnError {
  constructor() {
    super('UNAVAILABLE', 'This system offers no way to encrypt secrets for Cairn.', {
      hint: 'On Linux, install and unlock a keyring (GNOME Keyring or KWallet), then restart Cairn.',
    });
    this.name = 'SecretStorageUnavailableError';
  }
}

export class CorruptSecretsFileError extends CairnError {
  constructor(file: string, cause?: unknown) {
    super('CORRUPT', `The secrets file ${file} is damaged and cannot be read.`, {
      hint: 'Move it aside and enter the endpoint credentials again.',
      cause,
    });
    this.name = 'CorruptSecretsFileError';
  }
}

export interface SecretStoreOptions {
  /** Folder of the secrets file: Electron's `app.getPath('userData')`. */
  directory: string;
  safeStorage: AsyncSafeStorage;
  platform: NodeJS.Platform;
  /** Told once, at open, when secrets will be stored effectively unprotected. */
  onWeakBackend?: (message: string) => void;
}

/**
 * Device-local secrets (endpoint credentials, a remembered passphrase) encrypted with the OS's
 * keychain through safeStorage, kept as blobs in a 0600 JSON file in userData. Lives in the main
 * process only: no IPC command returns a secret, so the renderer never sees one.
 */
export class SecretStore {
  readonly file: string;
  /** Linux's selected password store ('basic_text', 'gnome_libsecret', 'kwallet5', …); null elsewhere. */
  readonly backend: string | null;
  /**
   * True when encryption is effectively absent: on Linux without a secret service, Chromium's
   * `basic_text` backend encrypts with a key that ships in the binary.
   */
  readonly isWeak: boolean;
  private readonly safeStorage: AsyncSafeStorage;
  /** Writes run one after another so two `set`s cannot lose each other's secret. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: SecretStoreOptions) {
    this.file = path.join(options.directory, secretsFileName);
    this.safeStorage = options.safeStorage;
    this.backend = options.platform === 'linux' ? options.safeStorage.getSelectedStorageBackend() : null;
    this.isWeak = this.backend === 'basic_text';
    if (this.isWeak) {
      options.onWeakBackend?.(
        'No system keyring was found (safeStorage backend "basic_text"): saved credentials are only obfuscated, not protected. Install and unlock GNOME Keyring or KWallet, then restart Cairn.',
      );
    }
  }

  async set(name: string, value: string): Promise<void> {
    checkName(name);
    await this.requireEncryption();
    const blob = await this.safeStorage.encryptStringAsync(value);
    await this.serialized(async () => {
      const stored = await this.read();
      stored.secrets[name] = blob.toString('base64');
      await this.write(stored);
    });
  }

  /** The secret, or null when none is stored under that name. */
  async get(name: string): Promise<string | null> {
    checkName(name);
    const encoded = (await this.read()).secrets[name];
    if (encoded === undefined) return null;
    await this.requireEncryption();
    const { result, shouldReEncrypt } = await this.safeStorage.decryptStringAsync(Buffer.from(encoded, 'base64'));
    // The OS key was rotated or a stronger one became available: store it under the new key.
    if (shouldReEncrypt) await this.set(name, result);
    return result;
  }

  async delete(name: string): Promise<boolean> {
    checkName(name);
    return this.serialized(async () => {
      const stored = await this.read();
      if (!(name in stored.secrets)) return false;
      delete stored.secrets[name];
      await this.write(stored);
      return true;
    });
  }

  /** Names only: enough to show "credentials saved" without decrypting anything. */
  async names(): Promise<string[]> {
    return Object.keys((await this.read()).secrets).sort();
  }

  private async requireEncryption(): Promise<void> {
    if (!(await this.safeStorage.isAsyncEncryptionAvailable())) throw new SecretStorageUnavailableError();
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(): Promise<SecretsFile> {
    const text = await readOptionalFile(this.file);
    let secrets: Record<string, string> = {};
    if (text !== null) {
      try {
        secrets = secretsFileSchema.parse(JSON.parse(text)).secrets;
      } catch (err) {
        throw new CorruptSecretsFileError(this.file, err);
      }
    }
    // A null prototype, so a secret named like an Object method ("constructor") is just a name.
    return { version: 1, secrets: Object.assign(Object.create(null) as Record<string, string>, secrets) };
  }

  private async write(stored: SecretsFile): Promise<void> {
    await writePrivateFile(this.file, `${JSON.stringify({ version: 1, secrets: { ...stored.secrets } }, null, 2)}\n`);
  }
}

function checkName(name: string): void {
  if (!secretNamePattern.test(name)) {
    throw new CairnError('INVALID_INPUT', `"${name.slice(0, 60)}" is not a valid secret name.`, {
      hint: 'Use letters, digits and . _ : - (at most 128 characters).',
    });
  }
}
