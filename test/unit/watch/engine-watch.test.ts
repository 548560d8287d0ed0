import fs from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../src-main/engine/engine';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

/** The watcher wired to the real catalogue: what a person sees through the contract. */
const temps: TempDir[] = [];
let engine: Engine | null = null;
afterEach(async () => {
  await engine?.stop();
  engine = null;
  for (const t of temps.splice(0)) await t.remove();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

type Versions = { versions: Array<{ number: number; sha256: string; restoredFrom: string | null }> };

describe('a watched folder in a running engine', () => {
  it('turns changes into versions, and a rollback writes the old content back without another version', async () => {
    const repo = await makeTempDir('repo');
    const folder = await makeTempDir('watched');
    temps.push(repo, folder);
    engine = new Engine({ repositoryPath: repo.path, createIfMissing: true, watchFolders: true });
    await engine.start();
    const call = (name: string, input: unknown) => engine!.call(name, input, { transport: 'test' });

    await call('watch.add', { path: folder.path, collection: 'notes' });
    await folder.write('plan.md', 'first draft\n');
    const v1 = await until('v1', async () => {
      const list = (await call('catalogue.versions.list', { artifact: 'notes/plan.md' })) as Versions;
      return list.versions.length === 1 ? list : undefined;
    });
    await folder.write('plan.md', 'second draft\n');
    await until('v2', async () => {
      const list = (await call('catalogue.versions.list', { artifact: 'notes/plan.md' })) as Versions;
      return list.versions.length === 2 ? list : undefined;
    });

    await call('catalogue.rollback', { artifact: 'notes/plan.md', version: 1 });
    expect(await fs.readFile(folder.join('plan.md'), 'utf8')).toBe('first draft\n');
    // Give the watcher time to see the write-back; it must not become a fourth version.
    await new Promise((r) => setTimeout(r, 3000));
    const after = (await call('catalogue.versions.list', { artifact: 'notes/plan.md' })) as Versions;
    expect(after.versions).toHaveLength(3);
    expect(after.versions[2]!.sha256).toBe(v1.versions[0]!.sha256);

    // Ignored files never appear.
    await folder.write('scratch.tmp', 'temporary');
    await folder.write('.DS_Store', 'finder');
    await new Promise((r) => setTimeout(r, 3000));
    const artifacts = (await call('catalogue.artifacts.list', { collection: 'notes' })) as { items: Array<{ name: string }> };
    expect(artifacts.items.map((a) => a.name)).toEqual(['plan.md']);
  });
});
