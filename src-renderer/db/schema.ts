/**
 * The renderer's local replica (IndexedDB through Dexie). Everything here is derived from the
 * engine's manifest and can be rebuilt; it exists so views open instantly and offline.
 *
 * Bump the version and add a `stores()` step for every schema change; never edit an old step.
 */
import Dexie, { type EntityTable } from 'dexie';

export interface LogRow {
  id?: number;
  time: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  area?: string;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

export class CairnDatabase extends Dexie {
  logs!: EntityTable<LogRow, 'id'>;
  meta!: EntityTable<MetaRow, 'key'>;

  constructor(name = 'cairn') {
    super(name);
    this.version(1).stores({
      logs: '++id, time, level',
      meta: 'key',
    });
  }
}

export const db = new CairnDatabase();

/** Keeps the log table bounded: the activity feed shows recent lines, not history forever. */
export async function appendLog(row: LogRow, keep = 2000): Promise<void> {
  await db.transaction('rw', db.logs, async () => {
    await db.logs.add(row);
    const count = await db.logs.count();
    if (count > keep) {
      const oldest = await db.logs.orderBy('id').limit(count - keep).primaryKeys();
      await db.logs.bulkDelete(oldest);
    }
  });
}
