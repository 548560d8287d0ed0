import path from 'node:path';
import type { Command } from 'commander';
import type { CommandOutput } from '../../../src-shared/contract';
import type { VersionView } from '../../../src-shared/catalogue/views';
import type { CliContext } from '../context';
import { formatBytes, UsageError } from '../output';

/**
 * The catalogue from the terminal: add, log, show, rollback, status, tag, link, forget, gc,
 * events. Every command takes --json; the shapes are documented in the README.
 */

/** The stable `--json` shape of one version in `log` and `show`. */
export function versionJson(v: VersionView) {
  return {
    id: v.id,
    number: v.number,
    reference: `${v.collection}/${v.name}@v${v.number}`,
    sha256: v.sha256,
    size: v.size,
    status: v.status,
    createdAt: new Date(v.createdAt).toISOString(),
    device: v.deviceId,
    message: v.message,
    treeId: v.treeId,
    restoredFrom: v.restoredFrom,
    isHead: v.isHead,
    deleted: v.deleted,
  };
}

function versionLine(v: VersionView): string {
  const flags = [v.isHead ? 'head' : '', v.deleted ? 'deleted' : '', v.restoredFrom ? 'rollback' : ''].filter(Boolean).join(', ');
  const when = new Date(v.createdAt).toISOString().replace('T', ' ').slice(0, 19);
  return `v${String(v.number).padEnd(4)} ${when}  ${v.status.padEnd(15)} ${formatBytes(v.size).padStart(10)}  ${v.sha256.slice(0, 12)}  ${v.message}${flags ? `  (${flags})` : ''}`;
}

function parseCount(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} takes a whole number above 0, not "${value}".`);
  return n;
}

function commaList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function registerCatalogueCommands(program: Command, context: () => CliContext): void {
  program
    .command('add')
    .description('Store a file or folder as the next version of an artifact')
    .argument('<path>', 'file or folder (a folder becomes one bundle artifact)')
    .option('--name <name>', 'artifact name (default: the file or folder name)')
    .option('--collection <collection>', 'collection (default: "default")')
    .option('--type <type>', 'artifact type (default: from the file extension)')
    .option('-m, --message <message>', 'what changed in this version')
    .option('--reread', 'read every file, even those unchanged since the last add of this path')
    .action(async (source: string, flags: { name?: string; collection?: string; type?: string; message?: string; reread?: boolean }) => {
      const ctx = context();
      const result = await ctx.call('catalogue.add', { path: path.resolve(source), ...flags });
      const v = result.version;
      ctx.out.result({ created: result.created, version: versionJson(v), bytesRead: result.bytesRead, bytesNew: result.bytesNew, files: result.files }, () =>
        result.created
          ? `Added ${v.collection}/${v.name}@v${v.number} (${v.status}), sha256 ${v.sha256}\n${result.files} file(s), ${formatBytes(result.bytesRead)} read, ${formatBytes(result.bytesNew)} new`
          : `Unchanged: ${v.collection}/${v.name}@v${v.number} already has this content (sha256 ${v.sha256}); no new version.`,
      );
    });

  program
    .command('log')
    .description('List the versions of an artifact (or, with --all, every artifact)')
    .argument('[name]', 'artifact: name or collection/name')
    .option('--collection <collection>', 'collection of the artifact')
    .option('--all', 'list artifacts instead of one artifact\'s versions')
    .action(async (name: string | undefined, flags: { collection?: string; all?: boolean }) => {
      const ctx = context();
      if (flags.all || name === undefined) {
        const items: CommandOutput<'catalogue.artifacts.list'>['items'] = [];
        let cursor: string | undefined;
        do {
          const page = await ctx.call('catalogue.artifacts.list', { ...(flags.collection ? { collection: flags.collection } : {}), limit: 1000, ...(cursor ? { cursor } : {}) });
          items.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        ctx.out.result({ artifacts: items }, () =>
          items.length === 0
            ? 'No artifacts yet. Add one with `cairn add PATH`.'
            : items
                .map((a) => `${`${a.collection}/${a.name}`.padEnd(40)} ${a.type.padEnd(10)} v${a.headNumber ?? '-'}  ${(a.headStatus ?? '').padEnd(15)} ${a.headSize === null ? '' : formatBytes(a.headSize)}`)
                .join('\n'),
        );
        return;
      }
      const artifact = flags.collection && !name.includes('/') ? `${flags.collection}/${name}` : name;
      const { artifact: view, versions } = await ctx.call('catalogue.versions.list', { artifact, includeDeleted: true });
      ctx.out.result({ artifact: `${view.collection}/${view.name}`, versions: versions.map(versionJson) }, () =>
        [`${view.collection}/${view.name} (${view.type})`, ...[...versions].reverse().map(versionLine)].join('\n'),
      );
    });

  program
    .command('show')
    .description('Show one version: NAME, NAME@vN or NAME@sha256:PREFIX')
    .argument('<reference>')
    .action(async (reference: string) => {
      const ctx = context();
      const detail = await ctx.call('catalogue.versions.get', { version: reference });
      const v = detail.version;
      ctx.out.result({ ...detail, version: versionJson(v) }, () =>
        [
          `${v.collection}/${v.name}@v${v.number}  ${v.status}${v.isHead ? '  (head)' : ''}${v.deleted ? '  (deleted)' : ''}`,
          `sha256    ${v.sha256}`,
          `size      ${formatBytes(v.size)}`,
          `created   ${new Date(v.createdAt).toISOString()} on ${v.deviceId}`,
          `source    ${v.provenance.sourcePath ?? '-'} (${v.provenance.tool ?? '-'})`,
          v.message ? `message   ${v.message}` : '',
          v.restoredFrom ? `restored from version ${v.restoredFrom}` : '',
          `tree      ${v.treeId}`,
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });

  program
    .command('rollback')
    .description('Make an old version the head again, as a new version (NAME@vN)')
    .argument('<reference>', 'NAME@vN')
    .action(async (reference: string) => {
      const ctx = context();
      const match = /^(.+)@v(\d+)$/.exec(reference);
      if (!match) throw new UsageError(`"${reference}" is not NAME@vN.`, 'Name the version to roll back to, e.g. `cairn rollback model.bin@v2`.');
      const result = await ctx.call('catalogue.rollback', { artifact: match[1]!, version: Number(match[2]) });
      const v = result.version;
      ctx.out.result({ created: result.created, version: versionJson(v) }, () =>
        result.created ? `${v.collection}/${v.name}@v${v.number} now has the content of v${match[2]} (no new bytes stored).` : `v${match[2]} is already the head's content; nothing changed.`,
      );
    });

  program
    .command('status')
    .description('Move a version through its lifecycle, or show engine status without arguments')
    .argument('[reference]', 'NAME@vN')
    .argument('[status]', 'draft | on_verification | published | blocked | archived')
    .option('--reason <text>', 'why (recorded in the audit log)')
    .action(async (reference: string | undefined, status: string | undefined, flags: { reason?: string }) => {
      const ctx = context();
      if (reference === undefined) {
        const { s, copies } = await ctx.withEngine(async (engine) => {
          const s = (await engine.call('engine.status', {}, { transport: 'cli' })) as CommandOutput<'engine.status'>;
          // Published versions below their collection's min-copies (endpoint copies verified by `cairn verify`).
          const copies = s.repository ? ((await engine.call('placement.underReplicated', {}, { transport: 'cli' })) as CommandOutput<'placement.underReplicated'>) : null;
          return { s, copies };
        });
        for (const v of copies?.versions ?? []) ctx.out.note(`warning: ${v.reference} has ${v.verifiedCopies} verified endpoint cop${v.verifiedCopies === 1 ? 'y' : 'ies'}; collection "${v.collection}" requires ${v.required}. Back it up and run \`cairn verify\`.`);
        ctx.out.result(copies ? { ...s, underReplicated: copies.versions } : s, () =>
          [
            `Cairn ${s.version}`,
            `repository  ${s.repositoryPath}${s.repository ? ` (${s.repository.encrypted ? 'encrypted' : 'unencrypted'}, id ${s.repository.id})` : ' (none yet: run `cairn init`)'}`,
            `device      ${s.repository ? `${s.repository.deviceName} (${s.repository.deviceId})` : '-'}`,
            `host        ${s.host} (pid ${s.pid}, node ${s.nodeVersion})`,
          ].join('\n'),
        );
        return;
      }
      if (status === undefined) throw new UsageError('Give the new status too, e.g. `cairn status model.bin@v3 published`.');
      const v = await ctx.call('catalogue.status.set', { version: reference, status: status as never, ...(flags.reason ? { reason: flags.reason } : {}) });
      ctx.out.result({ version: versionJson(v) }, () => `${v.collection}/${v.name}@v${v.number} is now ${v.status}.`);
    });

  program
    .command('publish')
    .description("Send a version to verification: run its type's validator, publish on a pass, block on a failure")
    .argument('<reference>', 'NAME@vN (default: the head)')
    .action(async (reference: string) => {
      const ctx = context();
      const result = await ctx.call('catalogue.verify', { version: reference });
      const v = result.version;
      const validation = result.validation;
      ctx.out.result({ version: versionJson(v), validation }, () =>
        [
          validation
            ? `Validator ${validation.validator}: ${validation.pass ? 'passed' : validation.timedOut ? 'timed out' : 'failed'} in ${(validation.durationMs / 1000).toFixed(1)} s.`
            : 'No validator is required for this type.',
          validation && !validation.pass && validation.outputExcerpt ? validation.outputExcerpt.trimEnd() : '',
          `${v.collection}/${v.name}@v${v.number} is now ${v.status}.`,
        ]
          .filter(Boolean)
          .join('\n'),
      );
      if (v.status === 'blocked') process.exitCode = 1;
    });

  program
    .command('tag')
    .description('Add or remove tags of an artifact')
    .argument('<artifact>')
    .option('--add <tags>', 'comma-separated tags to add')
    .option('--remove <tags>', 'comma-separated tags to remove')
    .action(async (artifact: string, flags: { add?: string; remove?: string }) => {
      const ctx = context();
      if (!flags.add && !flags.remove) throw new UsageError('Say what to change: --add a,b and/or --remove c.');
      const view = await ctx.call('catalogue.tags.edit', { artifact, add: commaList(flags.add ?? ''), remove: commaList(flags.remove ?? '') });
      ctx.out.result(view, () => `${view.collection}/${view.name}: ${view.tags.length ? view.tags.join(', ') : '(no tags)'}`);
    });

  program
    .command('link')
    .description('Link one version to another (derived_from, trained_on, depends_on, supersedes)')
    .argument('<from>', 'NAME@vN')
    .argument('<kind>')
    .argument('<to>', 'NAME@vN')
    .option('--remove', 'remove the link instead')
    .action(async (from: string, kind: string, to: string, flags: { remove?: boolean }) => {
      const ctx = context();
      const result = await ctx.call('catalogue.link', { from, kind: kind as never, to, remove: Boolean(flags.remove) });
      ctx.out.result(result, () => (result.outgoingLinks.length ? result.outgoingLinks.map((l) => `${from} ${l.kind} ${l.reference ?? l.versionId}`).join('\n') : `${from} has no links.`));
    });

  program
    .command('forget')
    .description('Apply a retention policy: tombstone versions it does not keep (undo until gc)')
    .option('--collection <collection>', 'only this collection')
    .option('--type <type>', 'only this type')
    .option('--keep-last <n>', 'keep the newest N versions')
    .option('--keep-daily <n>', 'keep one version for each of the last N days')
    .option('--keep-weekly <n>', 'keep one version for each of the last N weeks')
    .option('--keep-monthly <n>', 'keep one version for each of the last N months')
    .option('--expire-after <duration>', 'keep versions younger than this (30d, 12h, 2w)')
    .option('--force', 'also forget published versions')
    .option('--dry-run', 'only show what would be forgotten, and why')
    .action(async (flags: Record<string, string | boolean | undefined>) => {
      const ctx = context();
      const policy = {
        ...(flags.collection ? { collection: String(flags.collection) } : {}),
        ...(flags.type ? { type: String(flags.type) } : {}),
        ...(flags.keepLast ? { keepLast: parseCount(String(flags.keepLast), '--keep-last') } : {}),
        ...(flags.keepDaily ? { keepDaily: parseCount(String(flags.keepDaily), '--keep-daily') } : {}),
        ...(flags.keepWeekly ? { keepWeekly: parseCount(String(flags.keepWeekly), '--keep-weekly') } : {}),
        ...(flags.keepMonthly ? { keepMonthly: parseCount(String(flags.keepMonthly), '--keep-monthly') } : {}),
        ...(flags.expireAfter ? { expireAfter: String(flags.expireAfter) } : {}),
        force: Boolean(flags.force),
      };
      const result = await ctx.call(flags.dryRun ? 'catalogue.forget.preview' : 'catalogue.forget.apply', { policies: [policy] });
      const total = result.items.reduce((s, i) => s + i.size, 0);
      ctx.out.result({ dryRun: Boolean(flags.dryRun), ...result }, () =>
        result.items.length === 0
          ? 'Nothing to forget: the policy keeps every version.'
          : [
              ...result.items.map((i) => `${flags.dryRun ? 'would forget' : 'forgot'} ${i.artifact}@v${i.number} (${formatBytes(i.size)}): ${i.reason}`),
              `${result.items.length} version(s), ${formatBytes(total)} of content${flags.dryRun ? '' : '; `cairn gc` reclaims the space after the grace period'}.`,
            ].join('\n'),
      );
    });

  program
    .command('gc')
    .description('Reclaim the space of forgotten versions (and of snapshots never added as versions)')
    .option('--dry-run', 'only report what would be removed')
    .option('--grace-days <days>', 'keep tombstoned versions younger than this many days', '7')
    .action(async (flags: { dryRun?: boolean; graceDays: string }) => {
      const ctx = context();
      const graceDays = Number(flags.graceDays);
      if (!Number.isFinite(graceDays) || graceDays < 0) throw new UsageError(`--grace-days takes a number of days >= 0, not "${flags.graceDays}".`);
      const r = await ctx.call('repo.gc', { dryRun: Boolean(flags.dryRun), graceDays });
      ctx.out.result(r, () =>
        [
          `${r.dryRun ? 'Would remove' : 'Removed'} ${r.packsDeleted} pack(s), rewrote ${r.packsRepacked}, removed ${r.orphanPacksDeleted} orphan pack(s).`,
          `Repository: ${formatBytes(r.bytesBefore)} -> ${formatBytes(r.bytesAfter)} (${formatBytes(r.bytesFreed)} ${r.dryRun ? 'would be ' : ''}freed); ${r.liveTrees} live tree(s).`,
        ].join('\n'),
      );
    });

  program
    .command('events')
    .description('The audit log, newest first')
    .option('--artifact <artifact>', 'only this artifact')
    .option('--limit <n>', 'how many', '50')
    .action(async (flags: { artifact?: string; limit: string }) => {
      const ctx = context();
      const page = await ctx.call('catalogue.events.list', { ...(flags.artifact ? { artifact: flags.artifact } : {}), limit: parseCount(flags.limit, '--limit') });
      ctx.out.result(page, () =>
        page.items.length === 0
          ? 'No events yet.'
          : page.items.map((e) => `${new Date(e.at).toISOString().replace('T', ' ').slice(0, 19)}  ${e.kind.padEnd(16)} ${e.device.slice(0, 8)}  ${JSON.stringify(e.details).slice(0, 120)}`).join('\n'),
      );
    });
}
