import fs from 'node:fs/promises';
import os from 'node:os';
import { lockFilePath, ownerRecordSchema, readOwner, type OwnerRecord } from '../lock/repository-lock';
import { finding, type DoctorFinding } from './findings';

/** Who holds the repository lock, as the doctor found it before opening anything itself. */
export type LockState =
  | { kind: 'free' }
  | { kind: 'held'; owner: OwnerRecord }
  | { kind: 'stale'; owner: OwnerRecord }
  | { kind: 'foreign'; owner: OwnerRecord }
  | { kind: 'unreadable'; file: string };

export async function inspectLock(localDir: string): Promise<LockState> {
  const file = lockFilePath(localDir);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'free' };
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', file };
  }
  const parsed = ownerRecordSchema.safeParse(json);
  if (!parsed.success) return { kind: 'unreadable', file };
  const owner = parsed.data;
  // readOwner leaves out a lock whose process is gone (same host, pid not running).
  if (!(await readOwner(localDir))) return { kind: 'stale', owner };
  return owner.host === os.hostname() ? { kind: 'held', owner } : { kind: 'foreign', owner };
}

export function lockFinding(state: LockState, localDir: string): DoctorFinding {
  const file = lockFilePath(localDir);
  switch (state.kind) {
    case 'free':
      return finding('lock', 'ok', 'The repository is not in use by another process.');
    case 'held':
      return finding('lock', 'ok', `The repository is in use by ${describe(state.owner)}; commands run through it.`);
    case 'stale':
      return finding('lock', 'warning', `The repository lock was left by ${describe(state.owner)}, which no longer runs (it crashed or was killed).`, 'Nothing to do: the next Cairn process takes the lock over by itself.');
    case 'foreign':
      return finding(
        'lock',
        'problem',
        `The repository is locked by ${describe(state.owner)} on another machine (${state.owner.host}); this machine cannot tell whether it still runs.`,
        `Stop Cairn on ${state.owner.host}. Only if that machine is gone for good, delete ${file}.`,
      );
    case 'unreadable':
      return finding('lock', 'problem', `The lock file ${state.file} is damaged.`, `Make sure no Cairn process runs, then delete ${state.file}.`);
  }
}

function describe(owner: OwnerRecord): string {
  return `${owner.purpose} (pid ${owner.pid} on ${owner.host}, since ${owner.startedAt})`;
}
