import crypto from 'node:crypto';
import { CairnError } from '../../../src-shared/errors';
import type { Backend, ObjectInfo } from '../backends/backend';
import { crashPoint } from '../crash/crash-points';
import { packIdFromKey } from '../repo/blob';
import { compareCopyOrder, isRepositoryObject } from './object-order';

export interface BackupProgress {
  objectsDone: number;
  objectsTotal: number;
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

export interface BackupOptions {
  /** Copy only objects under this prefix (`manifest/`); default the whole repository. */
  prefix?: string;
  /** Uploads at once. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: BackupProgress) => void;
  /** Called once an object is durable on the target (inventories record it). */
  onCopied?: (object: ObjectInfo) => void;
}

export interface BackupReport {
  objectsUploaded: number;
  bytesUploaded: number;
  objectsAlreadyThere: number;
  durationMs: number;
}

export class LocalObjectCorruptError extends CairnError {
  constructor(key: string) {
    super('CORRUPT', `The local copy of ${key} is damaged (its content does not match its name), so it was not copied.`, {
      hint: 'Run `cairn check --read-data`; repair the object from an endpoint that has a good copy with `cairn verify --endpoint NAME`.',
    });
    this.name = 'LocalObjectCorruptError';
  }
}

/**
 * Copies every repository object the target lacks (or holds with the wrong size), in an order
 * that keeps the target consistent at every instant. Objects are immutable, so what is already
 * there with the right size is not sent again: a second run uploads nothing, and a run after a
 * crash continues where the first stopped. Packs are hashed before they leave, so a damaged
 * local pack is never copied over a good remote one. Nothing is deleted on the target.
 */
export async function backupRepository(source: Backend, target: Backend, options: BackupOptions = {}): Promise<BackupReport> {
  const started = Date.now();
  const present = new Map<string, number>();
  for await (const object of target.list(options.prefix ?? '', options.signal ? { signal: options.signal } : {})) present.set(object.key, object.size);

  const missing: ObjectInfo[] = [];
  let alreadyThere = 0;
  for await (const object of source.list(options.prefix ?? '', options.signal ? { signal: options.signal } : {})) {
    if (!isRepositoryObject(object.key)) continue;
    if (present.get(object.key) === object.size) {
      alreadyThere++;
      options.onCopied?.(object);
    } else missing.push(object);
  }
  missing.sort((a, b) => compareCopyOrder(a.key, b.key));

  const progress: BackupProgress = {
    objectsDone: 0,
    objectsTotal: missing.length,
    bytesDone: 0,
    bytesTotal: missing.reduce((s, o) => s + o.size, 0),
    bytesPerSecond: 0,
    etaSeconds: null,
  };
  const report = () => {
    const seconds = (Date.now() - started) / 1000;
    progress.bytesPerSecond = seconds > 0 ? progress.bytesDone / seconds : 0;
    progress.etaSeconds = progress.bytesPerSecond > 0 ? (progress.bytesTotal - progress.bytesDone) / progress.bytesPerSecond : null;
    options.onProgress?.({ ...progress });
  };
  report();

  // Within one rank objects go in parallel; a rank starts only when the previous one is done,
  // so no index segment reaches the target before the packs it names.
  const ranks = groupByRank(missing);
  for (const group of ranks) {
    let next = 0;
    const lane = async () => {
      while (next < group.length) {
        if (options.signal?.aborted) throw new CairnError('CANCELLED', 'The backup was cancelled; what was copied stays, and the next run continues from there.');
        const object = group[next++]!;
        const body = await source.get(object.key);
        const packId = packIdFromKey(object.key);
        if (packId && crypto.createHash('sha256').update(body).digest('hex') !== packId) throw new LocalObjectCorruptError(object.key);
        await target.put(object.key, body, options.signal ? { signal: options.signal } : {});
        crashPoint('backup.after-object-copied');
        progress.objectsDone++;
        progress.bytesDone += body.length;
        options.onCopied?.({ ...object, size: body.length });
        report();
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, group.length) }, lane));
    crashPoint('backup.between-ranks');
  }
  return { objectsUploaded: progress.objectsDone, bytesUploaded: progress.bytesDone, objectsAlreadyThere: alreadyThere, durationMs: Date.now() - started };
}

function groupByRank(objects: ObjectInfo[]): ObjectInfo[][] {
  const groups: ObjectInfo[][] = [];
  let current: ObjectInfo[] = [];
  let currentPrefix = '';
  for (const object of objects) {
    const prefix = object.key.split('/')[0]!;
    if (prefix !== currentPrefix && current.length > 0) {
      groups.push(current);
      current = [];
    }
    currentPrefix = prefix;
    current.push(object);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
