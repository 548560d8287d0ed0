import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, lockFilePath, readOwner, RepositoryLockedError } from '../../../src-main/engine/lock/repository-lock';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

let dir: TempDir;
afterEach(async () => dir?.remove());

/** A pid that certainly does not run: a child we started and waited for. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('repository lock', () => {
  it('gives the lock to one holder and names it to the next', async () => {
    dir = await makeTempDir('lock');
    const held = await acquireLock(dir.path, { purpose: 'test A' });
    // Same process counts as live: a second acquire is refused.
    await expect(acquireLock(dir.path, { purpose: 'test B' })).rejects.toBeInstanceOf(RepositoryLockedError);
    expect((await readOwner(dir.path))?.purpose).toBe('test A');
    await held.release();
    expect(await readOwner(dir.path)).toBeNull();
    const again = await acquireLock(dir.path, { purpose: 'test B' });
    await again.release();
  });

  it('takes over a lock whose process is gone, with a notice', async () => {
    dir = await makeTempDir('lock');
    const held = await acquireLock(dir.path, { purpose: 'crashed' });
    const record = { ...held.record, pid: await deadPid() };
    await fs.writeFile(lockFilePath(dir.path), JSON.stringify(record));
    const previous: number[] = [];
    const next = await acquireLock(dir.path, { purpose: 'next', onStaleTakeover: (p) => previous.push(p.pid) });
    expect(previous).toEqual([record.pid]);
    await next.release();
  });

  it('never breaks a lock held on another host', async () => {
    dir = await makeTempDir('lock');
    const held = await acquireLock(dir.path, { purpose: 'remote' });
    await fs.writeFile(lockFilePath(dir.path), JSON.stringify({ ...held.record, host: `${os.hostname()}-elsewhere`, pid: await deadPid() }));
    const err = await acquireLock(dir.path, { purpose: 'local' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepositoryLockedError);
    expect((err as RepositoryLockedError).hint).toMatch(/another machine/);
  });

  it('of many concurrent takers of a stale lock exactly one wins', async () => {
    dir = await makeTempDir('lock');
    const held = await acquireLock(dir.path, { purpose: 'crashed' });
    await fs.writeFile(lockFilePath(dir.path), JSON.stringify({ ...held.record, pid: await deadPid() }));
    // All in one process, so every live holder looks live to the others.
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => acquireLock(dir.path, { purpose: `taker ${i}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});
