import fs from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { CairnError } from '../../../src-shared/errors';

/**
 * A small JSON file of device-local replication state (inventories, outboxes, settings): read
 * whole, validated, written whole by temp + rename, so a crash leaves the old or the new file,
 * never half of one. Derived state only (DESIGN.md 1): deleting such a file loses nothing that
 * the next backup or verify cannot rebuild.
 */
export class DeviceStateFile<T> {
  /** Writes run one after another, so a later value is never overwritten by an earlier one. */
  private writes: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly schema: z.ZodType<T>,
    private readonly empty: () => T,
  ) {}

  async read(): Promise<T> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.empty();
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw damaged(this.file, 'it is not valid JSON');
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) throw damaged(this.file, parsed.error.issues[0]?.message ?? 'unexpected content');
    return parsed.data;
  }

  write(value: T): Promise<void> {
    const text = JSON.stringify(value);
    const next = this.writes.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
      await fs.writeFile(tmp, text, { mode: 0o600 });
      await fs.rename(tmp, this.file);
    });
    this.writes = next.catch(() => undefined);
    return next;
  }
}

function damaged(file: string, why: string): CairnError {
  return new CairnError('CORRUPT', `The device-local replication state ${file} is damaged: ${why}.`, {
    hint: 'Delete the file: it is rebuilt by the next `cairn backup` and `cairn verify` of that endpoint.',
  });
}
