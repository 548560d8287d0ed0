import path from 'node:path';
import { z } from 'zod';
import { DeviceStateFile } from './device-state-file';

const fileSchema = z.object({
  version: z.literal(1),
  /** Collection -> how many endpoints must hold a verified copy of each published version. */
  minCopies: z.record(z.string(), z.number().int().positive()),
});

/**
 * The device-local min-copies setting per collection (`local/replication-settings.json`):
 * how many endpoints must hold a verified copy of each published version before this device
 * stops warning. The local repository itself is not counted: it is what the copies protect.
 */
export class MinCopiesSettings {
  private readonly file: DeviceStateFile<z.infer<typeof fileSchema>>;

  constructor(localDir: string) {
    this.file = new DeviceStateFile(path.join(localDir, 'replication-settings.json'), fileSchema, () => ({ version: 1 as const, minCopies: {} }));
  }

  async all(): Promise<Record<string, number>> {
    return (await this.file.read()).minCopies;
  }

  /** Sets the requirement of a collection; 0 removes it. */
  async set(collection: string, copies: number): Promise<void> {
    const data = await this.file.read();
    if (copies <= 0) delete data.minCopies[collection];
    else data.minCopies[collection] = copies;
    await this.file.write(data);
  }
}
