import { hkdfSync } from 'node:crypto';
import { requireKeyLength } from './errors';

export const masterKeyLength = 64;

/**
 * The keys a repository works with (DESIGN.md section 4). Encryption keys are null for an
 * unencrypted repository; then chunk ids are plain SHA-256 and blobs are stored as they are.
 */
export interface RepoKeys {
  /** AES-256-GCM key for blobs and pack trailers. */
  blobKey: Buffer | null;
  /** HMAC-SHA-256 key for chunk ids. */
  chunkIdKey: Buffer | null;
  /** Authenticates manifest updates (always present). */
  manifestMacKey: Buffer;
  /** AES-256-GCM key for manifest updates. */
  manifestKey: Buffer | null;
  /** Seeds the FastCDC gear table so chunk boundaries differ between repositories. */
  chunkerSeed: Buffer;
}

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
}

/** Every key of an encrypted repository from its 64-byte master key (HKDF-SHA-256). */
export function deriveRepoKeys(master: Buffer): RepoKeys {
  requireKeyLength('master key', master, masterKeyLength);
  return {
    blobKey: derive(master, 'cairn blob encryption v1'),
    chunkIdKey: derive(master, 'cairn chunk id v1'),
    manifestMacKey: derive(master, 'cairn manifest mac v1'),
    manifestKey: derive(master, 'cairn manifest encryption v1'),
    chunkerSeed: derive(master, 'cairn chunker seed v1'),
  };
}

/** The keys of an unencrypted repository: only authentication and chunking secrets (32 bytes each). */
export function plainRepoKeys(secrets: { macKey: Buffer; chunkerSeed: Buffer }): RepoKeys {
  requireKeyLength('manifest MAC key', secrets.macKey, 32);
  requireKeyLength('chunker seed', secrets.chunkerSeed, 32);
  return { blobKey: null, chunkIdKey: null, manifestMacKey: secrets.macKey, manifestKey: null, chunkerSeed: secrets.chunkerSeed };
}
