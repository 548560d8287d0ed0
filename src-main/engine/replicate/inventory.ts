import path from 'node:path';
import { z } from 'zod';
import { DeviceStateFile } from './device-state-file';

/** What this device knows one endpoint holds: one entry per repository object copied there. */
export interface InventoryEntry {
  size: number;
  /** When it was seen on the endpoint (copied, or found there by a backup); ms since the epoch. */
  copiedAt: number;
  /** When its bytes were last downloaded and checked by verify; null when never. */
  verifiedAt: number | null;
}

const fileSchema = z.object({
  version: z.literal(1),
  objects: z.record(z.string(), z.object({ size: z.number().int().nonnegative(), copiedAt: z.number(), verifiedAt: z.number().nullable() })),
});

/**
 * The device-local inventory of one endpoint (`local/endpoints/<name>/inventory.json`): which
 * packs, index segments and manifest objects it holds, and when each was verified. Backups,
 * mirroring and verify keep it current; placement queries read it instead of listing buckets.
 * It is derived state: a backup rebuilds it from the endpoint's listing.
 */
export class EndpointInventory {
  private dirty = false;

  private constructor(
    private readonly store: DeviceStateFile<z.infer<typeof fileSchema>>,
    private readonly objects: Map<string, InventoryEntry>,
  ) {}

  static async load(file: string): Promise<EndpointInventory> {
    const store = new DeviceStateFile(file, fileSchema, () => ({ version: 1 as const, objects: {} }));
    const data = await store.read();
    return new EndpointInventory(store, new Map(Object.entries(data.objects)));
  }

  get(key: string): InventoryEntry | undefined {
    return this.objects.get(key);
  }

  /** True when the endpoint is known to hold `key` (with `size` bytes, when given). */
  holds(key: string, size?: number): boolean {
    const entry = this.objects.get(key);
    return entry !== undefined && (size === undefined || entry.size === size);
  }

  entries(): IterableIterator<[string, InventoryEntry]> {
    return this.objects.entries();
  }

  get size(): number {
    return this.objects.size;
  }

  recordCopied(key: string, size: number, at: number): void {
    const previous = this.objects.get(key);
    // Same bytes seen again keep their verification; different bytes were never verified.
    const verifiedAt = previous?.size === size ? previous.verifiedAt : null;
    this.objects.set(key, { size, copiedAt: previous?.size === size ? previous.copiedAt : at, verifiedAt });
    this.dirty = true;
  }

  recordVerified(key: string, size: number, at: number): void {
    const previous = this.objects.get(key);
    this.objects.set(key, { size, copiedAt: previous?.copiedAt ?? at, verifiedAt: at });
    this.dirty = true;
  }

  /** The endpoint lacks `key` (or holds a damaged copy that could not be repaired). */
  recordMissing(key: string): void {
    if (this.objects.delete(key)) this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await this.store.write({ version: 1, objects: Object.fromEntries(this.objects) });
  }
}

/** Where an endpoint's device-local replication files live. */
export function endpointStateDir(localDir: string, endpoint: string): string {
  return path.join(localDir, 'endpoints', endpoint);
}
