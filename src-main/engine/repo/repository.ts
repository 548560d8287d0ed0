import crypto from 'node:crypto';
import { CairnError } from '../../../src-shared/errors';
import type { Backend } from '../backends/backend';
import { blobPlain } from './blob-plain';
import { crashPoint } from '../crash/crash-points';
import { compressBlob, prepareZstd } from '../compression/zstd';
import { open as openSealed, openAsync, seal } from '../crypto/aead';
import { createKeyFile, defaultScryptParams, parseKeyFile, unwrapKeyFile } from '../crypto/key-file';
import { deriveRepoKeys, plainRepoKeys, type RepoKeys } from '../crypto/repo-keys';
import { chunkId } from '../hashing/chunk-id';
import { packKey, type BlobLocation, type BlobType, type Cipher } from './blob';
import { defaultChunker, defaultPackTargetSize, readConfig, repositoryFormatVersion, writeConfig, type RepoConfig } from './config';
import { loadOrCreateDevice, type DeviceIdentity } from './device';
import { BlobNotFoundError, CorruptRepositoryError, PassphraseRequiredError, RepositoryExistsError, RepositoryNotFoundError } from './errors';
import { decodeIndexSegment, encodeIndexSegment, indexKey, parseIndexKey, type IndexEntries } from './index-format';
import { PackWriter, type WrittenPack } from './pack-writer';

/**
 * Blobs are sealed without associated data (the ingest workers seal them so): integrity against
 * swapped blobs comes from checking each blob's plaintext against its id, and each restored
 * file against its SHA-256.
 */
const blobAad = Buffer.alloc(0);

export interface InitOptions {
  /** Encrypt with a master key wrapped by this passphrase; null for an unencrypted repository. */
  passphrase: string | null;
  chunker?: { minSize: number; avgSize: number; maxSize: number };
  packTargetSize?: number;
  compression?: 'zstd' | 'none';
  /** scrypt cost (tests lower it). */
  scryptN?: number;
}

export interface OpenOptions {
  /** Asked only when the repository is encrypted. */
  passphrase?: () => Promise<string | null>;
  /** Folder for device-local state (device id, caches); never part of the repository. */
  localDir: string;
  /**
   * Told the config and the keys' promise as soon as the config is read, before the passphrase
   * is checked (scrypt, ~0.45 s), e.g. to start worker threads meanwhile.
   */
  onUnlocking?(config: RepoConfig, keys: Promise<RepoKeys>): void;
}

/** Statistics for `cairn stats`. */
export interface RepositoryStats {
  packs: number;
  packBytes: number;
  blobs: number;
  chunkBlobs: number;
  treeBlobs: number;
  storedBytes: number;
  plainBytes: number;
  indexSegments: number;
}

/**
 * A repository: the byte layer of DESIGN.md section 4 over one `Backend`. It knows the config
 * and keys, keeps the blob index in memory, reads blobs, and appends new blobs into packs
 * (then records them in an index segment). Everything content-specific (trees, snapshots,
 * restore) is built on top of it.
 */
export class Repository {
  private readonly index = new Map<string, BlobLocation>();
  private readonly packSizes = new Map<string, number>();
  private readonly avoidedPacks = new Set<string>();
  private indexSegments = 0;
  private nextIndexSeq = 0;
  /** Packs written since the last index segment. */
  private unindexed: WrittenPack[] = [];
  private writer: PackWriter | null = null;

  private constructor(
    readonly backend: Backend,
    readonly config: RepoConfig,
    readonly keys: RepoKeys,
    readonly device: DeviceIdentity,
    readonly cipher: Cipher | null,
  ) {}

  get id(): string {
    return this.config.id;
  }

  get encrypted(): boolean {
    return this.config.encryption !== null;
  }

  /** Creates a new repository on an empty backend. */
  static async init(backend: Backend, options: InitOptions & { localDir: string }): Promise<Repository> {
    if (await readConfig(backend)) throw new RepositoryExistsError(backend.name);
    // Key files without a config were left by an init that crashed before writing the config.
    // They must go: opening tries every key file, and a leftover one wrapped with the same
    // passphrase would unlock a master key that encrypts nothing here.
    const leftoverKeys: string[] = [];
    for await (const object of backend.list('keys/')) leftoverKeys.push(object.key);
    for (const key of leftoverKeys) await backend.delete(key);
    await prepareZstd();
    const chunker = options.chunker ?? { ...defaultChunker };
    let keys: RepoKeys;
    let plainKeys: RepoConfig['plainKeys'] = null;
    if (options.passphrase !== null) {
      if (options.passphrase.length === 0) {
        throw new CairnError('INVALID_INPUT', 'The passphrase is empty.', { hint: 'Choose a passphrase; without it the repository cannot be opened.' });
      }
      const master = crypto.randomBytes(64);
      const keyFile = await createKeyFile(master, options.passphrase, options.scryptN === undefined ? defaultScryptParams : { ...defaultScryptParams, N: options.scryptN });
      const keyId = crypto.randomBytes(16).toString('hex');
      await backend.put(`keys/${keyId}`, Buffer.from(`${JSON.stringify(keyFile, null, 2)}\n`), { ifNoneMatch: true });
      crashPoint('repository.init.after-keys');
      keys = deriveRepoKeys(master);
    } else {
      const macKey = crypto.randomBytes(32);
      const chunkerSeed = crypto.randomBytes(32);
      plainKeys = { macKey: macKey.toString('base64'), chunkerSeed: chunkerSeed.toString('base64') };
      keys = plainRepoKeys({ macKey, chunkerSeed });
    }
    const config: RepoConfig = {
      format: 'cairn-repository',
      version: repositoryFormatVersion,
      id: crypto.randomBytes(16).toString('hex'),
      created: new Date().toISOString(),
      chunker,
      packTargetSize: options.packTargetSize ?? defaultPackTargetSize,
      compression: options.compression ?? 'zstd',
      encryption: options.passphrase !== null ? { cipher: 'aes-256-gcm', kdf: 'scrypt' } : null,
      plainKeys,
    };
    // The config is written last: a repository without it does not exist yet, so a crash during
    // init leaves nothing that looks like a half-made repository.
    await writeConfig(backend, config);
    const device = await loadOrCreateDevice(options.localDir);
    return new Repository(backend, config, keys, device, makeCipher(keys));
  }

  /** Opens an existing repository and loads its index. */
  static async open(backend: Backend, options: OpenOptions): Promise<Repository> {
    const config = await readConfig(backend);
    if (!config) throw new RepositoryNotFoundError(backend.name);
    const unlocking = config.encryption ? unlock(backend, options) : Promise.resolve().then(() => plainKeysFromConfig(config, backend.name));
    unlocking.catch(() => undefined); // awaited below, after prepareZstd
    options.onUnlocking?.(config, unlocking);
    await prepareZstd();
    const keys = await unlocking;
    const device = await loadOrCreateDevice(options.localDir);
    const repo = new Repository(backend, config, keys, device, makeCipher(keys));
    await repo.loadIndex();
    return repo;
  }

  /** Adds another passphrase (key file) that unlocks the same master key. */
  static async hasConfig(backend: Backend): Promise<boolean> {
    return (await readConfig(backend)) !== null;
  }

  // ---- index -------------------------------------------------------------------------------

  /** Reads every index segment; a damaged segment is an error naming it. */
  async loadIndex(): Promise<void> {
    this.index.clear();
    this.packSizes.clear();
    this.indexSegments = 0;
    let maxOwnSeq = -1;
    for await (const object of this.backend.list('index/')) {
      const parsed = parseIndexKey(object.key);
      if (!parsed) continue;
      if (parsed.deviceId === this.device.deviceId) maxOwnSeq = Math.max(maxOwnSeq, parsed.seq);
      const entries = decodeIndexSegment(object.key, await this.backend.get(object.key), this.cipher);
      this.addEntries(entries);
      this.indexSegments++;
    }
    this.nextIndexSeq = maxOwnSeq + 1;
  }

  private addEntries(entries: IndexEntries): void {
    for (const [packId, blobs] of entries) {
      let packEnd = this.packSizes.get(packId) ?? 0;
      for (const blob of blobs) {
        this.index.set(blob.id, { packId, type: blob.type, offset: blob.offset, storedLength: blob.storedLength, plainLength: blob.plainLength, compressed: blob.compressed });
        packEnd = Math.max(packEnd, blob.offset + blob.storedLength);
      }
      this.packSizes.set(packId, packEnd);
    }
  }

  /**
   * Adds an index segment written by another device (sync copies them from the shared bucket).
   * Blobs already indexed keep their location (unless it is a pack to avoid), so reads stay
   * where they were.
   */
  mergeIndexSegment(key: string, bytes: Buffer): void {
    const entries = decodeIndexSegment(key, bytes, this.cipher);
    for (const [packId, blobs] of entries) {
      const fresh = blobs.filter((blob) => {
        const known = this.index.get(blob.id);
        return !known || this.avoidedPacks.has(known.packId);
      });
      if (fresh.length > 0) this.addEntries(new Map([[packId, fresh]]));
    }
    this.indexSegments++;
  }

  /**
   * Packs new writes must not deduplicate into, because sync may delete them from the shared
   * bucket: a blob found only there is stored again. Reads still find them.
   */
  avoidDedupInto(packIds: Iterable<string>): void {
    for (const packId of packIds) this.avoidedPacks.add(packId);
  }

  has(id: string): boolean {
    const location = this.index.get(id);
    if (location && !this.avoidedPacks.has(location.packId)) return true;
    return this.writer?.has(id) ?? false;
  }

  locate(id: string): BlobLocation | undefined {
    return this.index.get(id);
  }

  /** Every indexed blob (for check and GC). */
  indexEntries(): IterableIterator<[string, BlobLocation]> {
    return this.index.entries();
  }

  // ---- reading -----------------------------------------------------------------------------

  /** The plaintext of a blob, verified against its id. */
  async readBlob(id: string): Promise<Buffer> {
    const location = this.index.get(id);
    if (!location) throw new BlobNotFoundError(id);
    const stored = await this.backend.get(packKey(location.packId), { offset: location.offset, length: location.storedLength });
    return this.decodeBlob(id, location, stored);
  }

  /**
   * Turns stored bytes back into plaintext and checks them against the id. `verifyId: false`
   * skips re-hashing for readers that verify the whole file anyway (restore): sealed blobs are
   * still authenticated by AES-GCM with the id as associated data.
   */
  decodeBlob(id: string, location: Omit<BlobLocation, 'packId'> & { packId?: string }, stored: Buffer, verifyId = true): Buffer {
    const what = blobLabel(id, location);
    const opened = this.cipher ? this.cipher.open(stored, blobAad, what) : stored;
    return this.checkedPlain(what, id, location, opened, verifyId);
  }

  /** decodeBlob(), decrypting on the thread pool (see openAsync). */
  async decodeBlobAsync(id: string, location: Omit<BlobLocation, 'packId'> & { packId?: string }, stored: Buffer, verifyId = true): Promise<Buffer> {
    const what = blobLabel(id, location);
    const opened = this.cipher ? await this.cipher.openAsync(stored, blobAad, what) : stored;
    return this.checkedPlain(what, id, location, opened, verifyId);
  }

  private checkedPlain(what: string, id: string, location: Omit<BlobLocation, 'packId'>, opened: Buffer, verifyId: boolean): Buffer {
    const decoded = blobPlain(opened, location, capitalised(what));
    const plain = decoded === opened ? opened : Buffer.from(decoded);
    if (verifyId && this.blobId(plain) !== id) throw new CorruptRepositoryError(capitalised(what), 'its content does not match its id');
    return plain;
  }

  /** The id a plaintext blob gets: HMAC-SHA-256 under the chunk-id key, or SHA-256. */
  blobId(plain: Buffer): string {
    return chunkId(this.keys.chunkIdKey, plain);
  }

  // ---- writing -----------------------------------------------------------------------------

  private packWriter(): PackWriter {
    this.writer ??= new PackWriter({
      backend: this.backend,
      cipher: this.cipher,
      targetSize: this.config.packTargetSize,
      onPackWritten: (pack) => {
        const entries: IndexEntries = new Map([[pack.packId, pack.blobs]]);
        this.addEntries(entries);
        this.unindexed.push(pack);
      },
    });
    return this.writer;
  }

  /**
   * Appends a blob that was already compressed and sealed (by an ingest worker). Returns false
   * when the repository already had it (nothing written). `relocate` writes it even though the
   * index knows it (garbage collection moving live blobs out of a pack it will delete).
   */
  async addStoredBlob(id: string, type: BlobType, stored: Buffer, plainLength: number, compressed: boolean, relocate = false): Promise<boolean> {
    if (relocate ? (this.writer?.has(id) ?? false) : this.has(id)) return false;
    await this.packWriter().add(id, type, stored, plainLength, compressed);
    if (this.unindexed.length >= 32) await this.writeIndexSegment();
    return true;
  }

  /** Compresses, seals and appends a plaintext blob (trees, small metadata). Returns its id. */
  async addBlob(type: BlobType, plain: Buffer): Promise<{ id: string; added: boolean; storedLength: number }> {
    const id = this.blobId(plain);
    if (this.has(id)) return { id, added: false, storedLength: 0 };
    const stored = this.encodeBlob(id, plain);
    await this.addStoredBlob(id, type, stored.bytes, plain.length, stored.compressed);
    return { id, added: true, storedLength: stored.bytes.length };
  }

  encodeBlob(id: string, plain: Buffer): { bytes: Buffer; compressed: boolean } {
    const compressedBytes = this.config.compression === 'zstd' ? compressBlob(plain) : null;
    const body = compressedBytes ? Buffer.from(compressedBytes.buffer, compressedBytes.byteOffset, compressedBytes.byteLength) : plain;
    return { bytes: this.cipher ? this.cipher.seal(body, blobAad) : body, compressed: compressedBytes !== null };
  }

  /**
   * Makes everything appended so far durable and referenced: writes the open pack, waits for
   * uploads, then writes an index segment for the new packs. Only after this resolves may a
   * caller report new blobs as committed.
   */
  async flush(): Promise<void> {
    if (this.writer) await this.writer.flush();
    await this.writeIndexSegment();
  }

  /**
   * After a failed ingest: index what did reach the backend (so no durable pack is orphaned)
   * and drop the partly filled pack.
   */
  async abandonWrites(): Promise<void> {
    const writer = this.writer;
    this.writer = null;
    if (writer) await writer.flush().catch(() => undefined);
    await this.writeIndexSegment().catch(() => undefined);
  }

  private async writeIndexSegment(): Promise<void> {
    if (this.unindexed.length === 0) return;
    const packs = this.unindexed;
    this.unindexed = [];
    const entries: IndexEntries = new Map(packs.map((p) => [p.packId, p.blobs]));
    crashPoint('repository.before-index-segment');
    for (;;) {
      const key = indexKey(this.device.deviceId, this.nextIndexSeq++);
      try {
        await this.backend.put(key, encodeIndexSegment(key, entries, this.cipher), { ifNoneMatch: true });
        this.indexSegments++;
        crashPoint('repository.after-index-segment');
        return;
      } catch (err) {
        // Another process of this device wrote that seq (should not happen under the repository
        // lock, but never overwrite): take the next one.
        if ((err as { code?: string }).code === 'ALREADY_EXISTS') continue;
        this.unindexed = [...packs, ...this.unindexed];
        throw err;
      }
    }
  }

  /**
   * Replaces every index segment with fresh ones describing exactly the current in-memory index
   * minus `dropPacks`. New segments are durable before old ones are deleted, so at every
   * instant the stored index covers every live blob (at worst twice).
   */
  async rewriteIndex(dropPacks: ReadonlySet<string>): Promise<{ written: number; deleted: number }> {
    const oldKeys: string[] = [];
    for await (const object of this.backend.list('index/')) if (parseIndexKey(object.key)) oldKeys.push(object.key);
    for (const [id, location] of [...this.index]) if (dropPacks.has(location.packId)) this.index.delete(id);
    for (const packId of dropPacks) this.packSizes.delete(packId);
    const byPack: IndexEntries = new Map();
    for (const [id, location] of this.index) {
      let list = byPack.get(location.packId);
      if (!list) byPack.set(location.packId, (list = []));
      list.push({ id, type: location.type, offset: location.offset, storedLength: location.storedLength, plainLength: location.plainLength, compressed: location.compressed });
    }
    let written = 0;
    let segment: IndexEntries = new Map();
    let segmentBlobs = 0;
    const writeSegment = async () => {
      if (segment.size === 0) return;
      const key = indexKey(this.device.deviceId, this.nextIndexSeq++);
      await this.backend.put(key, encodeIndexSegment(key, segment, this.cipher), { ifNoneMatch: true });
      written++;
      segment = new Map();
      segmentBlobs = 0;
    };
    for (const [packId, blobs] of byPack) {
      segment.set(packId, blobs);
      segmentBlobs += blobs.length;
      if (segmentBlobs >= 100_000) await writeSegment();
    }
    await writeSegment();
    crashPoint('repository.rewrite-index.after-new-segments');
    for (const key of oldKeys) {
      await this.backend.delete(key);
      crashPoint('repository.rewrite-index.after-old-segment-delete');
    }
    this.unindexed = [];
    this.indexSegments = written;
    return { written, deleted: oldKeys.length };
  }

  /** Packs the index references, with the bytes of their blobs. */
  packUsage(): Map<string, { blobs: number; storedBytes: number }> {
    const usage = new Map<string, { blobs: number; storedBytes: number }>();
    for (const location of this.index.values()) {
      const entry = usage.get(location.packId) ?? { blobs: 0, storedBytes: 0 };
      entry.blobs++;
      entry.storedBytes += location.storedLength;
      usage.set(location.packId, entry);
    }
    return usage;
  }

  // ---- statistics --------------------------------------------------------------------------

  async stats(): Promise<RepositoryStats> {
    let packs = 0;
    let packBytes = 0;
    for await (const object of this.backend.list('packs/')) {
      packs++;
      packBytes += object.size;
    }
    let chunkBlobs = 0;
    let treeBlobs = 0;
    let storedBytes = 0;
    let plainBytes = 0;
    for (const location of this.index.values()) {
      if (location.type === 'chunk') chunkBlobs++;
      else treeBlobs++;
      storedBytes += location.storedLength;
      plainBytes += location.plainLength;
    }
    return { packs, packBytes, blobs: this.index.size, chunkBlobs, treeBlobs, storedBytes, plainBytes, indexSegments: this.indexSegments };
  }
}

function makeCipher(keys: RepoKeys): Cipher | null {
  const key = keys.blobKey;
  if (!key) return null;
  return {
    seal: (plain, aad) => seal(key, plain, aad),
    open: (sealed, aad, what) => openSealed(key, sealed, aad, capitalised(what)),
    openAsync: (sealed, aad, what) => openAsync(key, sealed, aad, capitalised(what)),
  };
}

/** How errors name a blob: `blob <id>`, and its pack when known. */
export function blobLabel(id: string, location: { packId?: string }): string {
  return location.packId ? `blob ${id} in pack ${location.packId}` : `blob ${id}`;
}

export function capitalised(text: string): string {
  return text[0]!.toUpperCase() + text.slice(1);
}

function plainKeysFromConfig(config: RepoConfig, where: string): RepoKeys {
  if (!config.plainKeys) throw new CorruptRepositoryError(`The repository config (${where}/config)`, 'it is unencrypted but has no keys');
  return plainRepoKeys({ macKey: Buffer.from(config.plainKeys.macKey, 'base64'), chunkerSeed: Buffer.from(config.plainKeys.chunkerSeed, 'base64') });
}

async function unlock(backend: Backend, options: OpenOptions): Promise<RepoKeys> {
  const keyFiles: string[] = [];
  for await (const object of backend.list('keys/')) keyFiles.push(object.key);
  if (keyFiles.length === 0) throw new CorruptRepositoryError(`The repository at ${backend.name}`, 'it is encrypted but has no key files (keys/)');
  const passphrase = options.passphrase ? await options.passphrase() : null;
  if (passphrase === null) throw new PassphraseRequiredError(backend.name);
  let lastError: unknown = null;
  for (const key of keyFiles) {
    const file = parseKeyFile((await backend.get(key)).toString('utf8'), key);
    try {
      return deriveRepoKeys(await unwrapKeyFile(file, passphrase));
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
