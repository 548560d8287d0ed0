import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CairnError } from '../../../src-shared/errors';
import { crashPoint } from '../crash/crash-points';

/**
 * One engine owns a repository on a machine at a time. The owner holds `local/run/owner.lock`
 * (created exclusively), which says who it is and, when it serves other local clients, where
 * its socket is and the token file that authenticates them. Everything lives in the
 * repository's device-local folder, never in the synced namespace.
 */
export const ownerRecordSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  startedAt: z.string(),
  /** A random id per acquisition, so a process never removes a lock that is not its own. */
  nonce: z.string(),
  /** Unix socket (or named pipe) where the owner accepts contract calls, when it does. */
  socket: z.string().nullable(),
  purpose: z.string(),
});
export type OwnerRecord = z.infer<typeof ownerRecordSchema>;

export class RepositoryLockedError extends CairnError {
  constructor(
    readonly owner: OwnerRecord,
    lockFile: string,
  ) {
    const sameHost = owner.host === os.hostname();
    super(
      'LOCKED',
      `The repository is in use by ${owner.purpose} (pid ${owner.pid} on ${owner.host}, since ${owner.startedAt}).`,
      {
        hint: sameHost
          ? 'Wait for it to finish, or stop it. Commands reach a running app or `cairn serve` by themselves.'
          : `It runs on another machine. Stop it there; only if that machine is gone for good, delete ${lockFile}.`,
      },
    );
    this.name = 'RepositoryLockedError';
  }
}

export function runDir(localDir: string): string {
  return path.join(localDir, 'run');
}

export function lockFilePath(localDir: string): string {
  return path.join(runDir(localDir), 'owner.lock');
}

/** The owner's record, or null when no live owner holds the repository. */
export async function readOwner(localDir: string): Promise<OwnerRecord | null> {
  const record = await readRecord(lockFilePath(localDir));
  if (!record) return null;
  return (await isStale(record)) ? null : record;
}

export interface HeldLock {
  readonly record: OwnerRecord;
  /** Records the socket where this owner serves other clients. */
  advertise(socket: string): Promise<void>;
  release(): Promise<void>;
}

export interface AcquireOptions {
  purpose: string;
  /** Called once when a stale lock (its process is gone) is taken over. */
  onStaleTakeover?: (previous: OwnerRecord) => void;
}

/**
 * Takes the lock, or throws `RepositoryLockedError` naming the live owner. A lock whose process
 * is gone (same host, pid not running) is taken over; a lock from another host is never broken.
 */
export async function acquireLock(localDir: string, options: AcquireOptions): Promise<HeldLock> {
  const dir = runDir(localDir);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = lockFilePath(localDir);
  const record: OwnerRecord = {
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    nonce: crypto.randomBytes(12).toString('hex'),
    socket: null,
    purpose: options.purpose,
  };
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await writeExclusive(file, record);
      crashPoint('lock.after-acquire');
      return heldLock(file, record);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const existing = await readRecord(file);
    if (!existing) continue; // vanished or half-written by a racing process: try again
    if (!(await isStale(existing))) throw new RepositoryLockedError(existing, file);
    // Move the stale lock aside: of several processes doing this at once, one rename wins and
    // the others see ENOENT and retry against whatever lock exists then.
    const aside = `${file}.stale-${record.nonce}`;
    try {
      await fs.rename(file, aside);
      crashPoint('lock.takeover.after-move-aside');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const moved = await readRecord(aside);
    await fs.rm(aside, { force: true });
    if (moved && moved.nonce !== existing.nonce) {
      // We moved a fresh lock someone else had just created: put it back and try again.
      await writeExclusive(file, moved).catch(() => undefined);
      continue;
    }
    options.onStaleTakeover?.(existing);
  }
  throw new CairnError('LOCKED', `Could not take the repository lock ${file}: it keeps changing hands.`, { hint: 'Try again in a moment.' });
}

function heldLock(file: string, record: OwnerRecord): HeldLock {
  let released = false;
  return {
    record,
    async advertise(socket) {
      record.socket = socket;
      const tmp = `${file}.tmp-${record.nonce}`;
      await fs.writeFile(tmp, JSON.stringify(record), { mode: 0o600 });
      await fs.rename(tmp, file);
    },
    async release() {
      if (released) return;
      released = true;
      const current = await readRecord(file);
      if (current?.nonce === record.nonce) await fs.rm(file, { force: true });
    },
  };
}

async function writeExclusive(file: string, record: OwnerRecord): Promise<void> {
  // Write the full record to a temp file first and link it into place, so a reader never sees
  // an empty or partial lock file.
  const tmp = `${file}.new-${record.nonce}`;
  await fs.writeFile(tmp, JSON.stringify(record), { mode: 0o600 });
  try {
    await fs.link(tmp, file);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

async function readRecord(file: string): Promise<OwnerRecord | null> {
  try {
    const parsed = ownerRecordSchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * A lock is stale when it was taken on this host by a process that no longer runs, or whose
 * advertised socket no longer accepts connections (its pid may have been reused).
 */
async function isStale(record: OwnerRecord): Promise<boolean> {
  if (record.host !== os.hostname()) return false;
  if (record.pid === process.pid) return false;
  try {
    process.kill(record.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  if (record.socket) return !(await socketAccepts(record.socket));
  return false;
}

function socketAccepts(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(2000, () => done(true)); // slow but there: treat as alive
  });
}
