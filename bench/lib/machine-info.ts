/** What the benchmark ran on, for the results: numbers mean little without the machine. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly restic: string;
}

function commandOutput(file: string, args: string[]): string | null {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    restic: commandOutput('restic', ['version']) ?? 'restic not found',
  };
}

/** The checked-out commit, marked dirty when the work tree has changes (read-only git). */
export function sourceRevision(cwd: string): string {
  const commit = commandOutput('git', ['-C', cwd, 'rev-parse', '--short', 'HEAD']);
  if (commit === null) return 'unknown';
  const dirty = commandOutput('git', ['-C', cwd, 'status', '--porcelain', '--untracked-files=no']);
  return dirty ? `${commit} (with uncommitted changes)` : commit;
}
