import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ChangeSetNotFoundError } from './errors';

/**
 * Change sets held for approval (mass-change tripwire), kept device-locally in
 * `local/sync/pending/<id>/`: the manifest objects exactly as fetched (so approving applies the
 * same authenticated bytes, even after the bucket has compacted them away) and a description.
 * The description is written last, so a crash while holding leaves a folder that is ignored.
 */
export const collectionEffectSchema = z.object({
  collection: z.string(),
  liveArtifacts: z.number().int(),
  removedArtifacts: z.number().int(),
  liveVersions: z.number().int(),
  removedVersions: z.number().int(),
  /** The larger of the removed shares, 0..1. */
  share: z.number(),
});
export type CollectionEffect = z.infer<typeof collectionEffectSchema>;

const changeSetSchema = z.object({
  id: z.string(),
  /** The device whose objects these are (the snapshot's writer for a snapshot). */
  writer: z.string(),
  createdAt: z.number(),
  keys: z.array(z.string()),
  effects: z.array(collectionEffectSchema),
});
export type ChangeSet = z.infer<typeof changeSetSchema>;

export interface HeldObject {
  key: string;
  bytes: Buffer;
}

const idPattern = /^[0-9a-f]{8}$/;

export class PendingStore {
  constructor(private readonly dir: string) {}

  static in(localDir: string): PendingStore {
    return new PendingStore(path.join(localDir, 'sync', 'pending'));
  }

  async hold(writer: string, objects: HeldObject[], effects: CollectionEffect[], createdAt: number): Promise<ChangeSet> {
    const id = crypto.randomBytes(4).toString('hex');
    const folder = path.join(this.dir, id);
    await fs.mkdir(folder, { recursive: true });
    await Promise.all(objects.map((object, i) => fs.writeFile(path.join(folder, `${i}.obj`), object.bytes)));
    const set: ChangeSet = { id, writer, createdAt, keys: objects.map((o) => o.key), effects };
    const tmp = path.join(folder, 'set.json.tmp');
    await fs.writeFile(tmp, `${JSON.stringify(set, null, 2)}\n`);
    await fs.rename(tmp, path.join(folder, 'set.json'));
    return set;
  }

  /** Every complete change set, oldest first. */
  async list(): Promise<ChangeSet[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const sets: ChangeSet[] = [];
    for (const name of names) {
      if (!idPattern.test(name)) continue;
      const set = await this.read(name);
      if (set) sets.push(set);
    }
    return sets.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  /** A change set with its objects' bytes. */
  async open(id: string): Promise<{ set: ChangeSet; objects: HeldObject[] }> {
    const set = idPattern.test(id) ? await this.read(id) : null;
    if (!set) throw new ChangeSetNotFoundError(id, (await this.list()).map((s) => s.id));
    const folder = path.join(this.dir, id);
    const objects = await Promise.all(set.keys.map(async (key, i) => ({ key, bytes: await fs.readFile(path.join(folder, `${i}.obj`)) })));
    return { set, objects };
  }

  async remove(id: string): Promise<void> {
    await fs.rm(path.join(this.dir, id), { recursive: true, force: true });
  }

  private async read(id: string): Promise<ChangeSet | null> {
    try {
      return changeSetSchema.parse(JSON.parse(await fs.readFile(path.join(this.dir, id, 'set.json'), 'utf8')));
    } catch {
      return null; // incomplete (crash while holding) or damaged: not a change set
    }
  }
}
