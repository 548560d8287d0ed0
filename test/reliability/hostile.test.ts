/**
 * The hostile input corpus: what someone with write access to the bucket (or a damaged disk)
 * can put in front of Cairn. Each case expects a clear typed error (or a refusal in a report)
 * and no change to the stored data: the repository folder hashes the same before and after.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CairnError } from '../../src-shared/errors';
import { Engine } from '../../src-main/engine/engine';
import { ManifestObjectRefusedError } from '../../src-main/engine/manifest/errors';
import { updateKey } from '../../src-main/engine/manifest/object-keys';
import { packKey } from '../../src-main/engine/repo/blob';
import { decodeTree } from '../../src-main/engine/repo/tree';
import { caseCollisions, CaseCollisionError } from '../../src-main/engine/restore/case-collisions';
import { Vault } from '../../src-main/engine/vault/vault';
import { makeTempDir, type TempDir } from '../helpers/tmp';

let dir: TempDir;
/** Repository A: `a.txt` in two versions. Cases work on copies of it. */
let repoA: string;
/** Repository B: another repository, whose objects must never be accepted by A. */
let repoB: string;
let deviceA: string;
let deviceB: string;

const smallChunker = { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 };
const vaults: Vault[] = [];

async function openVault(repositoryPath: string): Promise<Vault> {
  const vault = new Vault({ repositoryPath });
  vaults.push(vault);
  if (!(await vault.openIfExists())) throw new Error(`no repository at ${repositoryPath}`);
  return vault;
}

beforeAll(async () => {
  dir = await makeTempDir('hostile');
  repoA = dir.join('a');
  repoB = dir.join('b');
  for (const [repo, label] of [
    [repoA, 'A'],
    [repoB, 'B'],
  ] as const) {
    const vault = new Vault({ repositoryPath: repo });
    await vault.init(null, { chunker: smallChunker });
    await dir.write(`src-${label}/a.txt`, `first version of ${label}\n`.repeat(5000));
    await vault.addArtifact({ path: dir.join(`src-${label}/a.txt`) });
    await dir.write(`src-${label}/a.txt`, `second version of ${label}\n`.repeat(5000));
    await vault.addArtifact({ path: dir.join(`src-${label}/a.txt`) });
    if (label === 'A') deviceA = vault.info()!.deviceId;
    else deviceB = vault.info()!.deviceId;
    await vault.close();
  }
}, 60_000);

afterAll(async () => {
  for (const vault of vaults.splice(0)) await vault.close().catch(() => undefined);
  await dir?.remove();
});

/** SHA-256 of every stored file (device-local state under `local/` left out) by path. */
async function hashRepository(root: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  const walk = async (folder: string) => {
    for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      const relative = path.relative(root, full);
      if (relative === 'local') continue;
      if (entry.isDirectory()) await walk(full);
      else hashes[relative] = crypto.createHash('sha256').update(await fs.readFile(full)).digest('hex');
    }
  };
  await walk(root);
  return hashes;
}

let copies = 0;
async function copyOf(repo: string): Promise<string> {
  const copy = dir.join(`copy-${++copies}`);
  await fs.cp(repo, copy, { recursive: true });
  return copy;
}

async function plant(repo: string, key: string, bytes: Buffer): Promise<void> {
  const file = path.join(repo, ...key.split('/'));
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, bytes);
}

const readObject = (repo: string, key: string) => fs.readFile(path.join(repo, ...key.split('/')));

/** Runs `attempt` and asserts it changed no stored byte. */
async function unchanged<T>(repo: string, attempt: () => Promise<T>): Promise<T> {
  const before = await hashRepository(repo);
  const result = await attempt();
  expect(await hashRepository(repo)).toEqual(before);
  return result;
}

describe('hostile manifest objects are refused, reported and never applied', () => {
  const hostileObjects: Array<[string, () => Promise<{ key: string; bytes: Buffer }>]> = [
    ['a truncated update', async () => ({ key: updateKey(deviceA, 100), bytes: (await readObject(repoA, updateKey(deviceA, 1))).subarray(0, 40) })],
    [
      'a tampered update (one bit flipped)',
      async () => {
        const bytes = Buffer.from(await readObject(repoA, updateKey(deviceA, 1)));
        bytes[12] = bytes[12]! ^ 1;
        return { key: updateKey(deviceA, 100), bytes };
      },
    ],
    ['an update moved to another slot', async () => ({ key: updateKey(deviceA, 100), bytes: await readObject(repoA, updateKey(deviceA, 1)) })],
    ['an update replayed from another repository', async () => ({ key: updateKey(deviceB, 1), bytes: await readObject(repoB, updateKey(deviceB, 1)) })],
    ['a huge object', async () => ({ key: updateKey(deviceA, 100), bytes: crypto.randomBytes(24 * 1024 * 1024) })],
    ['garbage under a snapshot key', async () => ({ key: 'manifest/snapshots/evil.0123456789abcdef', bytes: Buffer.from('CRNM\x01\x02\x00\x00not a snapshot') })],
  ];

  it.each(hostileObjects)('%s: loading refuses it and the catalogue is intact', async (_label, make) => {
    const repo = await copyOf(repoA);
    const { key, bytes } = await make();
    await plant(repo, key, bytes);
    const vault = await unchanged(repo, () => openVault(repo));
    const problems = vault.manifest!.problems();
    expect(problems.map((p) => p.key)).toEqual([key]);
    expect(problems[0]).toBeInstanceOf(ManifestObjectRefusedError);
    expect(problems[0]!.code).toBe('CORRUPT');
    expect(vault.requireCatalogue().getVersion('a.txt@v2').number).toBe(2);
  });

  it.each(hostileObjects)('%s: a sync delivering it is refused with a typed error and nothing is stored', async (_label, make) => {
    const repo = await copyOf(repoA);
    const vault = await openVault(repo);
    const { key, bytes } = await make();
    const remoteKey = key.startsWith('manifest/snapshots/') ? key : updateKey(deviceB, 7);
    await unchanged(repo, async () => {
      await expect(vault.manifest!.applyRemote(remoteKey, bytes)).rejects.toBeInstanceOf(ManifestObjectRefusedError);
    });
  });
});

describe('packs with bad footers or trailers', () => {
  const damages: Array<[string, (pack: Buffer) => Buffer]> = [
    ['no footer at all (zeroed)', (pack) => Buffer.concat([pack.subarray(0, pack.length - 12), Buffer.alloc(12)])],
    [
      'a trailer length beyond the pack',
      (pack) => {
        const copy = Buffer.from(pack);
        copy.writeUInt32LE(0xfffffff0, copy.length - 12);
        return copy;
      },
    ],
    [
      'a trailer without its magic',
      (pack) => {
        const copy = Buffer.from(pack);
        const trailerLength = copy.readUInt32LE(copy.length - 12);
        copy[copy.length - 12 - trailerLength] = 0x58;
        return copy;
      },
    ],
    [
      'a trailer whose count disagrees with its length',
      (pack) => {
        const copy = Buffer.from(pack);
        const trailerLength = copy.readUInt32LE(copy.length - 12);
        copy.writeUInt32LE(1_000_000, copy.length - 12 - trailerLength + 5);
        return copy;
      },
    ],
  ];

  it.each(damages)('%s: check reports the pack as bad, and nothing changes', async (_label, damage) => {
    const repo = await copyOf(repoA);
    const vault = await openVault(repo);
    const packId = [...vault.requireRepository().packUsage().keys()][0]!;
    await plant(repo, packKey(packId), damage(await readObject(repo, packKey(packId))));
    const report = await unchanged(repo, () => vault.check());
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.kind === 'bad-pack' && p.packId === packId)).toBe(true);
  });
});

describe('a repository config this build cannot trust', () => {
  const configs: Array<[string, (config: Record<string, unknown>) => string, RegExp]> = [
    ['an unknown (newer) format version', (c) => JSON.stringify({ ...c, version: 99 }), /format version 99, newer than this Cairn understands/],
    ['not JSON', () => '{"format": "cairn-repository", ', /not valid JSON/],
    ['a missing id', ({ id: _id, ...rest }) => JSON.stringify(rest), /id/],
    ['inconsistent chunker sizes', (c) => JSON.stringify({ ...c, chunker: { minSize: 10, avgSize: 5, maxSize: 1 } }), /chunker sizes are inconsistent/],
    ['encryption claimed without key files', (c) => JSON.stringify({ ...c, encryption: { cipher: 'aes-256-gcm', kdf: 'scrypt' }, plainKeys: null }), /no key files/],
  ];

  it.each(configs)('%s: the engine refuses to start with CORRUPT and writes nothing', async (_label, rewrite, message) => {
    const repo = await copyOf(repoA);
    const config = JSON.parse((await readObject(repo, 'config')).toString('utf8')) as Record<string, unknown>;
    await plant(repo, 'config', Buffer.from(rewrite(config)));
    await unchanged(repo, async () => {
      const engine = new Engine({ repositoryPath: repo, passphrase: async () => 'irrelevant' });
      const started = engine.start();
      await expect(started).rejects.toBeInstanceOf(CairnError);
      await expect(started).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(message) });
    });
  });
});

describe('trees with hostile entries', () => {
  let repo: string;
  let vault: Vault;
  let chunk: { id: string; size: number; sha256: string };

  beforeAll(async () => {
    repo = await copyOf(repoA);
    vault = await openVault(repo);
    const version = vault.requireCatalogue().getVersion('a.txt@v1');
    const tree = decodeTree(await vault.requireRepository().readBlob(version.treeId), version.treeId);
    const file = tree.entries.find((e) => e.type === 'file')!;
    if (file.type !== 'file' || file.chunks.length !== 1) throw new Error('expected a one-chunk file');
    chunk = { id: file.chunks[0]!, size: file.size, sha256: file.sha256 };
  });

  async function storeTree(entries: unknown[]): Promise<string> {
    const repository = vault.requireRepository();
    const { id } = await repository.addBlob('tree', Buffer.from(JSON.stringify({ format: 'cairn-tree', version: 1, root: 'dir', entries })));
    await repository.flush();
    return id;
  }

  const fileAt = (entryPath: string) => ({ type: 'file', path: entryPath, size: chunk.size, mode: 0o644, mtimeMs: 0, sha256: chunk.sha256, chunks: [chunk.id] });

  const hostileTrees: Array<[string, () => unknown[]]> = [
    ['a ".." path', () => [fileAt('../escaped.txt')]],
    ['a ".." in the middle', () => [fileAt('a/../../escaped.txt')]],
    ['an absolute path', () => [fileAt('/tmp/escaped.txt')]],
    ['a drive-letter path', () => [fileAt('C:/escaped.txt')]],
    ['a backslash', () => [fileAt('..\\escaped.txt')]],
    ['a NUL byte', () => [fileAt('name\0.txt')]],
    ['an empty segment', () => [fileAt('a//b.txt')]],
    ['a name longer than 255 bytes', () => [fileAt('n'.repeat(256))]],
    ['a path longer than 4096 bytes', () => [fileAt(`${'d/'.repeat(2100)}f`)]],
    ['the same path twice', () => [fileAt('twice.txt'), fileAt('twice.txt')]],
    ['an unknown entry type', () => [{ type: 'device', path: 'dev', mode: 0, mtimeMs: 0 }]],
    ['a chunk id that is not hex', () => [{ ...fileAt('x.txt'), chunks: ['../../etc/passwd'] }]],
  ];

  it.each(hostileTrees)('%s: restore refuses the tree with CORRUPT and writes nothing anywhere', async (_label, entries) => {
    const treeId = await storeTree(entries());
    const outside = dir.join(`restore-parent-${crypto.randomBytes(4).toString('hex')}`);
    await fs.mkdir(outside);
    const target = path.join(outside, 'target');
    await unchanged(repo, async () => {
      const restoring = vault.restore(treeId, target);
      await expect(restoring).rejects.toBeInstanceOf(CairnError);
      await expect(restoring).rejects.toMatchObject({ code: 'CORRUPT' });
    });
    expect(await fs.readdir(outside)).toEqual([]);
    await expect(fs.stat(dir.join('escaped.txt'))).rejects.toThrow();
  });

  it('names that differ only by case are found; on a case-sensitive disk both restore', async () => {
    const treeId = await storeTree([fileAt('Readme.md'), fileAt('README.md'), fileAt('docs/Guide.md'), fileAt('DOCS/guide.md')]);
    expect(caseCollisions(['Readme.md', 'README.md', 'docs/Guide.md', 'DOCS/guide.md', 'other'])).toEqual([
      ['Readme.md', 'README.md'],
      ['docs/Guide.md', 'DOCS/guide.md'],
    ]);
    const target = dir.join('case-target');
    await vault.restore(treeId, target);
    expect((await fs.readdir(target)).sort()).toEqual(['DOCS', 'README.md', 'Readme.md', 'docs']);
    const error = new CaseCollisionError(target, [['Readme.md', 'README.md']]);
    expect(error).toBeInstanceOf(CairnError);
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('"Readme.md" and "README.md"');
  });

  it.each(['symbolic link', 'file'] as const)('an entry under a %s is refused with CORRUPT, never written through', async (kind) => {
    const outside = dir.join(`outside-${crypto.randomBytes(4).toString('hex')}`);
    await fs.mkdir(outside, { recursive: true });
    const link = kind === 'symbolic link' ? { type: 'symlink', path: 'link', target: outside, mtimeMs: 0 } : fileAt('link');
    const treeId = await storeTree([link, fileAt('link/planted.txt')]);
    const restoring = vault.restore(treeId, dir.join(`under-target-${crypto.randomBytes(4).toString('hex')}`));
    await expect(restoring).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringContaining('which is not a folder') });
    expect(await fs.readdir(outside)).toEqual([]);
  });
});

describe('validator output', () => {
  it('huge, binary output is kept to a 4 KiB excerpt and the manifest stays small', async () => {
    const repo = await copyOf(repoA);
    await plant(repo, 'local/types.yaml', Buffer.from('types:\n  model:\n    extensions: [".bin"]\n    validator: { command: ["/bin/sh", "-c", "head -c 8000000 /dev/urandom; exit 3"] }\n'));
    const engine = new Engine({ repositoryPath: repo });
    await engine.start();
    try {
      await dir.write('model/weights.bin', crypto.randomBytes(1000));
      await engine.call('catalogue.add', { path: dir.join('model/weights.bin') }, { transport: 'test' });
      const result = (await engine.call('catalogue.verify', { version: 'weights.bin' }, { transport: 'test' })) as { validation: { pass: boolean; outputExcerpt: string } | null };
      expect(result.validation?.pass).toBe(false);
      expect(Buffer.byteLength(result.validation?.outputExcerpt ?? '')).toBeLessThanOrEqual(4096);
    } finally {
      await engine.stop();
    }
    for (const [file] of Object.entries(await hashRepository(repo))) {
      if (file.startsWith('manifest')) expect((await fs.stat(path.join(repo, file))).size, file).toBeLessThan(64 * 1024);
    }
  }, 60_000);
});
