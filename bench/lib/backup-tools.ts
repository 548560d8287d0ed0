/**
 * The two tools under comparison, as the command lines the benchmark runs. Both are encrypted,
 * both get their passphrase from the environment, both write to a folder on the same disk.
 */
import path from 'node:path';
import type { MeasuredCommand } from './measured-command';

export type ToolName = 'cairn' | 'restic';

export interface BackupTool {
  readonly name: ToolName;
  /** Environment for every command of this tool (passphrase, cache location). */
  readonly env: NodeJS.ProcessEnv;
  initArgv(repo: string): string[];
  snapshotArgv(repo: string, source: string): string[];
  restoreArgv(repo: string, snapshotRef: string, target: string): string[];
  /** A quick command run once, untimed, so the tool's own files are in the page cache too. */
  readonly warmUpArgv: readonly string[];
  /** What restoreArgv needs to find the snapshot just taken, read from the snapshot's output. */
  snapshotRef(result: MeasuredCommand): string;
  /** The command lines as documentation, with placeholders. */
  readonly commandTemplates: readonly string[];
}

export const benchPassphrase = 'cairn-bench-passphrase';

/** Cairn through its CLI, exactly as a person would run it: `node bin/cairn.js ...`. */
export function cairnTool(projectRoot: string): BackupTool {
  const cli = path.join(projectRoot, 'bin', 'cairn.js');
  const cairn = (repo: string, ...args: string[]) => [process.execPath, cli, '--repo', repo, ...args];
  return {
    name: 'cairn',
    env: { ...process.env, CAIRN_PASSWORD: benchPassphrase },
    warmUpArgv: [process.execPath, cli, '--version'],
    initArgv: (repo) => cairn(repo, 'init', '--encrypt'),
    snapshotArgv: (repo, source) => cairn(repo, 'snapshot', source, '--json'),
    restoreArgv: (repo, tree, target) => cairn(repo, 'restore', tree, '--to', target, '--json'),
    snapshotRef: (result) => parseCairnSnapshot(result.stdout).treeId,
    commandTemplates: [
      'CAIRN_PASSWORD=… node bin/cairn.js --repo REPO init --encrypt',
      'node bin/cairn.js --repo REPO snapshot SOURCE --json',
      'node bin/cairn.js --repo REPO restore TREE --to OUT --json   (TREE = treeId printed by snapshot)',
    ],
  };
}

export interface CairnSnapshotOutput {
  readonly treeId: string;
  readonly files?: number;
  readonly bytesRead?: number;
  readonly bytesNew?: number;
  readonly durationMs?: number;
}

/** The JSON object `cairn snapshot --json` prints on stdout (pretty-printed or on one line). */
export function parseCairnSnapshot(stdout: string): CairnSnapshotOutput {
  const start = stdout.indexOf('{');
  const end = stdout.lastIndexOf('}');
  let value: unknown;
  try {
    value = start === -1 ? undefined : JSON.parse(stdout.slice(start, end + 1));
  } catch {
    value = undefined;
  }
  const treeId = (value as { treeId?: unknown } | undefined)?.treeId;
  if (typeof treeId !== 'string' || treeId === '') {
    throw new Error(`cairn snapshot printed no JSON object with a treeId (stdout began: ${JSON.stringify(stdout.slice(0, 200))})`);
  }
  return value as CairnSnapshotOutput;
}

/**
 * restic from the Debian package. `init` makes a format-2 repository (zstd compression
 * "auto", restic's default). Its cache goes under the work folder instead of ~/.cache.
 */
export function resticTool(cacheDir: string): BackupTool {
  return {
    name: 'restic',
    env: { ...process.env, RESTIC_PASSWORD: benchPassphrase, RESTIC_CACHE_DIR: cacheDir },
    warmUpArgv: ['restic', 'version'],
    initArgv: (repo) => ['restic', '-r', repo, 'init'],
    snapshotArgv: (repo, source) => ['restic', '-r', repo, 'backup', source],
    restoreArgv: (repo, ref, target) => ['restic', '-r', repo, 'restore', ref, '--target', target],
    snapshotRef: () => 'latest',
    commandTemplates: [
      'RESTIC_PASSWORD=… RESTIC_CACHE_DIR=bench/.work/repository/restic-cache restic -r REPO init',
      'restic -r REPO backup SOURCE',
      'restic -r REPO restore latest --target OUT',
    ],
  };
}
