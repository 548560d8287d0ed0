import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { formatBytes } from '../output';
import { passphraseForInit } from '../passphrase';
import { versionJson } from './catalogue';

function rate(bytes: number, ms: number): string {
  return `${formatBytes(bytes / Math.max(ms / 1000, 0.001))}/s`;
}

/** `cairn init`, `snapshot`, `restore`, `check`, `stats`: the byte layer from the terminal. */
export function registerRepositoryCommands(program: Command, context: () => CliContext): void {
  program
    .command('init')
    .description('Create a repository (in --repo, $CAIRN_REPO, or the per-user data folder)')
    .option('--encrypt', 'encrypt everything with a passphrase (from $CAIRN_PASSWORD, $CAIRN_PASSWORD_FILE or a prompt)')
    .action(async (flags: { encrypt?: boolean }) => {
      const ctx = context();
      const passphrase = flags.encrypt ? await passphraseForInit() : null;
      const info = await ctx.call('repo.init', { passphrase });
      ctx.out.result(info, () =>
        [
          `Created ${info.encrypted ? 'an encrypted' : 'an unencrypted'} repository at ${info.location}`,
          `repository id ${info.id}, device ${info.deviceName} (${info.deviceId})`,
          info.encrypted ? 'Keep the passphrase safe: without it the data cannot be read by anyone, including you.' : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });

  program
    .command('snapshot')
    .description('Store a file or folder; prints its tree id, digest and what was new')
    .argument('<path>', 'file or folder to store')
    .option('--reread', 'read every file, even those unchanged (size, times, inode) since the last snapshot of this path')
    .action(async (source: string, flags: { reread?: boolean }) => {
      const ctx = context();
      const result = await ctx.call('repo.snapshot', { path: path.resolve(source), ...(flags.reread ? { reread: true } : {}) });
      ctx.out.result(result, () =>
        [
          `tree    ${result.treeId}`,
          `sha256  ${result.digest}${result.root === 'dir' ? '  (of the sha256sum listing of the folder)' : ''}`,
          `${result.files} file(s)${result.filesUnchanged ? ` (${result.filesUnchanged} unchanged, not read again)` : ''}, ${formatBytes(result.bytesRead)} read, ${formatBytes(result.bytesNew)} new, in ${(result.durationMs / 1000).toFixed(2)} s (${rate(result.bytesRead, result.durationMs)})`,
        ].join('\n'),
      );
    });

  program
    .command('restore')
    .description('Restore a version (NAME, NAME@vN, NAME@sha256:PREFIX) or a tree id into a folder')
    .argument('<what>', 'a version reference, or a tree id printed by `cairn snapshot`')
    .requiredOption('--to <dir>', 'folder to restore into (created if missing)')
    .option('--path <path>', 'restore only this file or folder of it')
    .option('--overwrite', 'replace files that already exist in the target')
    .option('--any-status', 'also restore versions that are not published')
    .option('--from-endpoint <name>', 'restore from this endpoint alone, without a local repository (ARTIFACT_* variables name endpoint "default")')
    .action(async (what: string, flags: { to: string; path?: string; overwrite?: boolean; anyStatus?: boolean; fromEndpoint?: string }) => {
      const ctx = context();
      const target = path.resolve(flags.to);
      const only = flags.path !== undefined ? { path: flags.path } : {};
      // No local repository but ARTIFACT_* set (a new machine): restore from that endpoint.
      const fromEndpoint = flags.fromEndpoint ?? (process.env.ARTIFACT_ENDPOINT && !existsSync(path.join(ctx.repositoryPath, 'config')) ? 'default' : undefined);
      if (fromEndpoint !== undefined) {
        const result = await ctx.call('restore.fromEndpoint', { endpoint: fromEndpoint, version: what, target, ...only, overwrite: Boolean(flags.overwrite), anyStatus: Boolean(flags.anyStatus) });
        const v = result.version;
        ctx.out.result({ ...result, version: versionJson(v) }, () => `Restored ${v.collection}/${v.name}@v${v.number} from ${fromEndpoint}: ${result.files} file(s), ${formatBytes(result.bytes)}, to ${result.target}`);
        return;
      }
      if (/^[0-9a-f]{64}$/.test(what)) {
        const result = await ctx.call('repo.restore', { treeId: what, target, ...only, overwrite: Boolean(flags.overwrite) });
        ctx.out.result(result, () => `Restored ${result.files} file(s), ${formatBytes(result.bytes)}, to ${result.target} in ${(result.durationMs / 1000).toFixed(2)} s (${rate(result.bytes, result.durationMs)})`);
        return;
      }
      const result = await ctx.call('catalogue.restoreTo', { version: what, target, ...only, overwrite: Boolean(flags.overwrite), anyStatus: Boolean(flags.anyStatus) });
      const v = result.version;
      ctx.out.result({ ...result, version: versionJson(v) }, () => `Restored ${v.collection}/${v.name}@v${v.number}: ${result.files} file(s), ${formatBytes(result.bytes)}, to ${result.target}`);
    });

  program
    .command('check')
    .description('Verify the repository structure (and with --read-data, every stored byte)')
    .option('--read-data', 'read and verify every blob, not just the structure')
    .action(async (flags: { readData?: boolean }) => {
      const ctx = context();
      const report = await ctx.call('repo.check', { readData: Boolean(flags.readData) });
      ctx.out.result(report, () => {
        const lines = [`${report.packs} pack(s), ${report.blobs} blob(s), ${report.trees} tree(s) checked${flags.readData ? `, ${formatBytes(report.bytesRead)} read` : ''}.`];
        for (const note of report.notes) lines.push(`note: ${note}`);
        for (const problem of report.problems) {
          lines.push(`PROBLEM: ${problem.message}`);
          for (const hit of problem.affected.slice(0, 20)) lines.push(`  affects ${hit.path} (tree ${hit.treeId.slice(0, 12)})`);
          if (problem.affected.length > 20) lines.push(`  … and ${problem.affected.length - 20} more`);
        }
        lines.push(report.ok ? 'No problems found.' : `${report.problems.length} problem(s) found.`);
        return lines.join('\n');
      });
      if (!report.ok) process.exitCode = 1;
    });

  program
    .command('stats')
    .description('Show what the repository stores')
    .action(async () => {
      const ctx = context();
      const stats = await ctx.call('repo.stats', {});
      ctx.out.result(stats, () =>
        [
          `packs         ${stats.packs} (${formatBytes(stats.packBytes)})`,
          `blobs         ${stats.blobs} (${stats.chunkBlobs} chunks, ${stats.treeBlobs} trees)`,
          `content       ${formatBytes(stats.plainBytes)} stored as ${formatBytes(stats.storedBytes)}`,
          `index         ${stats.indexSegments} segment(s)`,
        ].join('\n'),
      );
    });
}
