import { z } from 'zod';
import type { ObjectInfo } from '../backends/backend';
import { DeviceStateFile } from './device-state-file';
import { compareCopyOrder } from './object-order';

const fileSchema = z.object({
  version: z.literal(1),
  pending: z.record(z.string(), z.number().int().nonnegative()),
});

/**
 * The persisted list of repository objects still to copy to one mirrored endpoint
 * (`local/endpoints/<name>/outbox.json`), device-local. Filled when a scan finds objects the
 * endpoint's inventory lacks, emptied as the mirror worker copies them; it survives restarts,
 * so a copy interrupted by a crash or a shutdown is picked up where it stopped.
 */
export class MirrorOutbox {
  private dirty = false;

  private constructor(
    private readonly store: DeviceStateFile<z.infer<typeof fileSchema>>,
    private readonly items: Map<string, number>,
  ) {}

  static async load(file: string): Promise<MirrorOutbox> {
    const store = new DeviceStateFile(file, fileSchema, () => ({ version: 1 as const, pending: {} }));
    return new MirrorOutbox(store, new Map(Object.entries((await store.read()).pending)));
  }

  /** Adds objects not already queued; returns how many were new. */
  add(objects: Iterable<Pick<ObjectInfo, 'key' | 'size'>>): number {
    let added = 0;
    for (const { key, size } of objects) {
      if (this.items.get(key) === size) continue;
      this.items.set(key, size);
      added++;
    }
    if (added > 0) this.dirty = true;
    return added;
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  remove(key: string): void {
    if (this.items.delete(key)) this.dirty = true;
  }

  get size(): number {
    return this.items.size;
  }

  get bytes(): number {
    let total = 0;
    for (const size of this.items.values()) total += size;
    return total;
  }

  /** Pending objects in the order that keeps the endpoint consistent (packs before index before manifest). */
  pending(): Array<{ key: string; size: number }> {
    return [...this.items].map(([key, size]) => ({ key, size })).sort((a, b) => compareCopyOrder(a.key, b.key));
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await this.store.write({ version: 1, pending: Object.fromEntries(this.items) });
  }
}
