/**
 * Devices for sync tests: each is a real Engine with its own repository folder, all syncing
 * through one bucket on a loopback s3rver. Clocks are injected so time-dependent behaviour
 * (grace periods, offline limits) is driven by the test, never waited for.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { CommandInput, CommandName, CommandOutput } from '../../../src-shared/contract';
import type { ArtifactView, VersionView } from '../../../src-shared/catalogue/views';
import { Engine } from '../../../src-main/engine/engine';
import { S3Backend } from '../../../src-main/engine/backends/s3-backend';
import type { Catalogue } from '../../../src-main/engine/catalogue/catalogue';
import type { SyncSettings } from '../../../src-main/engine/sync/settings';
import { startS3rver, type S3rverInstance } from '../../helpers/s3rver';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

export const passphrase = 'correct horse battery staple';
const ctx = { transport: 'test' };

/** A clock every device of a test shares; tests move it forward. */
export class TestClock {
  constructor(public ms = Date.UTC(2030, 0, 1)) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Device {
  readonly name: string;
  readonly engine: Engine;
  readonly dir: TempDir;
  call<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>>;
  catalogue(): Catalogue;
  /** Stores `content` as the next version of `collection/name`. */
  add(name: string, content: string | Buffer, collection?: string): Promise<VersionView>;
  /** Records a version in the catalogue only (no bytes): for tests about metadata. */
  record(name: string, label: string, collection?: string): Promise<VersionView>;
  sync(compact?: boolean): Promise<CommandOutput<'sync.now'>>;
  stop(): Promise<void>;
}

export interface Bucket {
  readonly s3: S3rverInstance;
  readonly name: string;
  /** A direct client on the bucket (to count, read and tamper with objects). */
  readonly client: S3Backend;
  keys(prefix: string): Promise<string[]>;
}

export class SyncWorld {
  readonly clock = new TestClock();
  private readonly devices: Device[] = [];
  private readonly temps: TempDir[] = [];
  private bucketInfo: Bucket | null = null;

  constructor(private readonly settings: Partial<SyncSettings> = {}) {}

  get bucket(): Bucket {
    if (!this.bucketInfo) throw new Error('start() first');
    return this.bucketInfo;
  }

  async start(): Promise<void> {
    const s3 = await startS3rver();
    await s3.createBucket('shared');
    const client = new S3Backend({ endpoint: s3.endpoint, region: 'us-east-1', bucket: 'shared', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true });
    this.bucketInfo = {
      s3,
      name: 'shared',
      client,
      async keys(prefix) {
        const keys: string[] = [];
        for await (const info of client.list(prefix)) keys.push(info.key);
        return keys;
      },
    };
  }

  async stop(): Promise<void> {
    for (const device of this.devices.splice(0)) await device.stop().catch(() => undefined);
    await this.bucketInfo?.s3.stop();
    for (const temp of this.temps.splice(0)) await temp.remove();
  }

  async tempDir(label: string): Promise<TempDir> {
    const dir = await makeTempDir(label);
    this.temps.push(dir);
    return dir;
  }

  /** The first device: creates the (encrypted) repository and will seed the bucket. */
  async founder(name: string): Promise<Device> {
    const device = await this.open(name);
    await device.engine.vault.init(passphrase, { scryptN: 1024, chunker: { minSize: 4096, avgSize: 16384, maxSize: 65536 } });
    await device.call('endpoints.add', this.endpointInput());
    return device;
  }

  /** A device that joins by bootstrapping from the bucket. */
  async joiner(name: string): Promise<Device> {
    const device = await this.open(name);
    await device.call('endpoints.add', this.endpointInput());
    await device.call('sync.bootstrap', { endpoint: 'shared' });
    return device;
  }

  /** Stops a device's engine and opens its repository again (a restart). */
  async restart(device: Device): Promise<Device> {
    await device.stop();
    this.devices.splice(this.devices.indexOf(device), 1);
    return this.open(device.name, device.dir);
  }

  endpointInput(): CommandInput<'endpoints.add'> {
    return { name: 'shared', url: this.bucket.s3.endpoint, bucket: 'shared', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', role: 'sync' };
  }

  private async open(name: string, existing?: TempDir): Promise<Device> {
    const dir = existing ?? (await this.tempDir(`sync-${name}`));
    const sources = await this.tempDir(`src-${name}`);
    const engine = new Engine({ repositoryPath: dir.path, passphrase: async () => passphrase, sync: { ...this.settings, now: this.clock.now } });
    await engine.start();
    let counter = 0;
    const device: Device = {
      name,
      engine,
      dir,
      call: (command, input) => engine.call(command, input, ctx) as never,
      catalogue: () => engine.vault.requireCatalogue(),
      async add(artifact, content, collection) {
        counter += 1;
        const file = await sources.write(path.join(String(counter), artifact), content);
        const result = await device.call('catalogue.add', { path: file, name: artifact, ...(collection ? { collection } : {}) });
        return result.version;
      },
      async record(artifact, label, collection) {
        const digest = crypto.createHash('sha256').update(label).digest('hex');
        const result = await device.catalogue().addVersion({ name: artifact, treeId: digest, sha256: digest, size: label.length, ...(collection ? { collection } : {}) });
        return result.version;
      },
      sync: (compact = false) => device.call('sync.now', { compact }),
      stop: () => engine.stop(),
    };
    this.devices.push(device);
    return device;
  }
}

/** Everything a person can see of a catalogue, in a stable order, for comparing devices. */
export function catalogueContents(catalogue: Catalogue): { artifacts: ArtifactView[]; versions: VersionView[] } {
  const artifacts: ArtifactView[] = [];
  let cursor: string | undefined;
  do {
    const page = catalogue.listArtifacts({ includeDeleted: true, sort: 'name', limit: 500, ...(cursor ? { cursor } : {}) });
    artifacts.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const versions = artifacts.flatMap((a) => catalogue.listVersions(a.id, { includeDeleted: true }).versions);
  return { artifacts, versions };
}

/** Sha-256 of a file, hex. */
export async function sha256Of(file: string): Promise<string> {
  return crypto.createHash('sha256').update(await fs.readFile(file)).digest('hex');
}

/** Deterministic pseudo-random bytes (different per seed). */
export function bytesFor(seed: string, size: number): Buffer {
  const key = crypto.createHash('sha256').update(seed).digest().subarray(0, 16);
  return crypto.createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}
