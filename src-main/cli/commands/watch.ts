import path from 'node:path';
import type { Command } from 'commander';
import { startOwningEngine } from '../../server/owning-engine';
import type { CliContext } from '../context';
import { UsageError } from '../output';
import { passphraseFromEnvironment } from '../passphrase';

/** `cairn watch add|list|remove|pause|resume|run`: watched folders from the terminal. */
export function registerWatchCommands(program: Command, context: () => CliContext): void {
  const watch = program.command('watch').description('Folders whose changes become versions automatically');

  watch
    .command('add')
    .description('Watch a folder (the running app or `cairn watch run` picks it up)')
    .argument('<path>')
    .requiredOption('--collection <collection>', 'collection its artifacts belong to')
    .option('--mode <mode>', 'auto-publish (validators run, then publish) or draft', 'draft')
    .option('--bundles', 'each top-level subfolder is one bundle artifact (e.g. a model folder)')
    .option('--max-file-size <bytes>', 'skip (and report) files larger than this')
    .option('--ignore <pattern>', 'a gitignore pattern never versioned (repeat for more; .cairnignore applies too)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .action(async (folder: string, flags: { collection: string; mode: string; bundles?: boolean; maxFileSize?: string; ignore: string[] }) => {
      const ctx = context();
      if (flags.mode !== 'auto-publish' && flags.mode !== 'draft') throw new UsageError(`--mode is auto-publish or draft, not "${flags.mode}".`);
      const maxFileSize = flags.maxFileSize === undefined ? undefined : Number(flags.maxFileSize);
      if (maxFileSize !== undefined && !(Number.isInteger(maxFileSize) && maxFileSize > 0)) throw new UsageError(`--max-file-size takes a number of bytes, not "${flags.maxFileSize}".`);
      const view = await ctx.call('watch.add', {
        path: path.resolve(folder),
        collection: flags.collection,
        mode: flags.mode,
        bundles: Boolean(flags.bundles),
        ignore: flags.ignore,
        ...(maxFileSize !== undefined ? { maxFileSize } : {}),
      });
      ctx.out.result(view, () => `Watching ${view.path} into collection ${view.collection} (${view.mode}${view.bundles ? ', bundles' : ''}), id ${view.id}. State: ${view.state}.`);
    });

  watch
    .command('list')
    .description('Watched folders and their state')
    .action(async () => {
      const ctx = context();
      const result = await ctx.call('watch.list', {});
      ctx.out.result(result, () =>
        result.folders.length === 0
          ? 'No watched folders. Add one with `cairn watch add PATH --collection NAME`.'
          : result.folders.map((f) => `${f.id.padEnd(14)} ${f.state.padEnd(9)} ${f.mode.padEnd(12)} ${f.collection.padEnd(16)} ${f.path}`).join('\n'),
      );
    });

  watch
    .command('remove')
    .description('Stop watching a folder (its history stays)')
    .argument('<id>')
    .action(async (id: string) => {
      const ctx = context();
      await ctx.call('watch.remove', { id });
      ctx.out.result({ removed: id }, () => `No longer watching ${id}.`);
    });

  for (const verb of ['pause', 'resume'] as const) {
    watch
      .command(verb)
      .description(verb === 'pause' ? 'Pause one folder, or all' : 'Resume one folder, or all (changes meanwhile are caught up)')
      .argument('[id]')
      .action(async (id: string | undefined) => {
        const ctx = context();
        await ctx.call(verb === 'pause' ? 'watch.pause' : 'watch.resume', id === undefined ? {} : { id });
        ctx.out.result({ [verb === 'pause' ? 'paused' : 'resumed']: id ?? 'all' }, () => `${verb === 'pause' ? 'Paused' : 'Resumed'} ${id ?? 'all folders'}.`);
      });
  }

  watch
    .command('run')
    .description('Watch in the foreground (for servers): owns the repository until Ctrl+C')
    .action(async () => {
      const ctx = context();
      const owner = await startOwningEngine({
        purpose: '`cairn watch run`',
        repositoryPath: ctx.repositoryPath,
        logEcho: ctx.out.json ? 'silent' : 'info',
        createIfMissing: true,
        watchFolders: true,
        passphrase: passphraseFromEnvironment,
      });
      if (ctx.out.json) owner.engine.events.subscribe((event, payload) => event === 'watch.activity' && process.stdout.write(`${JSON.stringify(payload)}\n`));
      else
        owner.engine.events.subscribe((event, payload) => {
          if (event !== 'watch.activity') return;
          const a = payload as { type: string; path?: string; message?: string };
          if (a.type === 'ingesting' || a.type === 'queued') return;
          process.stderr.write(`${new Date().toISOString()} ${a.type} ${a.path ?? ''}${a.message ? `: ${a.message}` : ''}\n`);
        });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await owner.stop();
    });
}
