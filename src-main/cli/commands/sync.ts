import type { Command } from 'commander';
import type { CommandOutput, EventPayload } from '../../../src-shared/contract';
import { readOwner } from '../../engine/lock/repository-lock';
import { startOwningEngine } from '../../server/owning-engine';
import type { CliContext } from '../context';
import { formatBytes, UsageError } from '../output';
import { passphraseForOpen } from '../passphrase';

/**
 * Multi-device sync from the terminal:
 *
 *   cairn sync                  sync in the foreground until Ctrl+C (adaptive polling)
 *   cairn sync --once           one round, then exit (through the running app or server, if any)
 *   cairn sync --bootstrap --endpoint NAME
 *                               join the repository in a bucket from an empty folder: add the
 *                               endpoint first (`cairn --repo DIR endpoint add NAME --role sync …`)
 *   cairn sync --gc             propose deleting unreferenced packs from the bucket
 *   cairn devices               the devices sharing this repository
 *   cairn pending               change sets held by the mass-change tripwire
 *   cairn approve ID | reject ID
 *   cairn keep-local COLLECTION [--off]
 */
type Round = CommandOutput<'sync.now'>;
type ChangeSet = CommandOutput<'sync.pending.list'>['changeSets'][number];

export function roundSummary(round: Round, endpoint = 'the bucket'): string {
  const up = round.uploaded.manifestObjects + round.uploaded.indexSegments + round.uploaded.packs + round.uploaded.snapshots;
  const down = round.downloaded.manifestObjects + round.downloaded.indexSegments;
  const lines = [
    `Synced with ${endpoint} in ${(round.durationMs / 1000).toFixed(1)} s: sent ${up} object(s) (${formatBytes(round.uploaded.bytes)}), received ${down} (${formatBytes(round.downloaded.bytes)}), applied ${round.applied} change(s).`,
  ];
  if (round.compacted) lines.push(`Compacted the manifest into ${round.compacted}.`);
  if (round.bucketObjectsDeleted > 0) lines.push(`Removed ${round.bucketObjectsDeleted} object(s) every device has read past.`);
  if (round.gc.packsDeleted > 0) lines.push(`Garbage collection deleted ${round.gc.packsDeleted} pack(s) from the bucket.`);
  for (const set of round.held) lines.push(`HELD ${changeSetLine(set)}`);
  for (const refused of round.refused) lines.push(`REFUSED ${refused.key}: ${refused.reason}`);
  for (const warning of round.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}

function changeSetLine(set: ChangeSet): string {
  const effects = set.effects.map((e) => `${e.removedArtifacts}/${e.liveArtifacts} artifacts, ${e.removedVersions}/${e.liveVersions} versions of "${e.collection}" (${Math.round(e.share * 100)}%)`).join('; ');
  return `${set.id}  from ${set.deviceName ?? set.device.slice(0, 8)} at ${set.createdAt}: would remove ${effects}. \`cairn approve ${set.id}\` or \`cairn reject ${set.id}\`.`;
}

export function registerSyncCommands(program: Command, context: () => CliContext): void {
  program
    .command('sync')
    .description('Sync with the shared bucket (the endpoint with role "sync"); runs until Ctrl+C unless --once')
    .option('--once', 'one round, then exit')
    .option('--compact', 'also write a snapshot of the manifest (bounds the objects in the bucket)')
    .option('--gc', 'propose deleting packs no version needs from the bucket, or finish an open proposal')
    .option('--bootstrap', 'create this (empty) repository from the bucket: same repository and keys, a new device')
    .option('--endpoint <name>', 'with --bootstrap: the sync endpoint to join')
    .action(async (flags: { once?: boolean; compact?: boolean; gc?: boolean; bootstrap?: boolean; endpoint?: string }) => {
      const ctx = context();
      if (flags.bootstrap) {
        if (!flags.endpoint) throw new UsageError('--bootstrap needs --endpoint NAME.', 'Add the shared bucket first: `cairn --repo DIR endpoint add NAME --role sync …`.');
        const result = await ctx.call('sync.bootstrap', { endpoint: flags.endpoint });
        ctx.out.result(result, () =>
          [
            `Joined repository ${result.repository.id} at ${result.repository.location} as device ${result.repository.deviceName} (${result.repository.deviceId}).`,
            `${result.artifacts} artifact(s), ${result.versions} version(s) in the catalogue; their bytes are fetched when first needed.`,
          ].join('\n'),
        );
        return;
      }
      if (flags.endpoint) throw new UsageError('--endpoint only goes with --bootstrap; sync uses the endpoint with role "sync".');
      if (flags.gc) {
        const gc = await ctx.call('sync.gc', {});
        ctx.out.result(gc, () => {
          if (gc.finished) return `Deleted ${gc.finished.packsDeleted} pack(s) (${formatBytes(gc.finished.bytesFreed)}) from the bucket; ${gc.finished.packsKept} came alive again and stay.`;
          if (!gc.proposal) return 'Nothing to collect: every pack in the bucket holds data a version needs.';
          const waiting = gc.waitingFor.length > 0 ? ` Waiting for ${gc.waitingFor.length} device(s) to answer: ${gc.waitingFor.map((d) => d.slice(0, 8)).join(', ')}.` : '';
          return `Proposal ${gc.proposal.proposalId} (${gc.proposal.at}): ${gc.proposal.packs} pack(s) no version needs. They are deleted after the grace period, once every device has answered.${waiting}`;
        });
        return;
      }
      if (flags.once || (await readOwner(ctx.localDir))?.socket) {
        if (!flags.once) ctx.out.note('The engine that owns this repository (the app or `cairn serve`) already syncs in the background; running one round now.');
        const round = await ctx.call('sync.now', { compact: Boolean(flags.compact) });
        ctx.out.result(round, () => roundSummary(round));
        return;
      }
      await syncInForeground(ctx, Boolean(flags.compact));
    });

  program
    .command('devices')
    .description('Devices that share this repository, and when each was last seen')
    .action(async () => {
      const ctx = context();
      const { devices } = await ctx.call('devices.list', {});
      ctx.out.result({ devices }, () =>
        devices
          .map((d) => {
            const seen = d.self ? 'this device' : d.lastSeenAt ? `last seen ${d.lastSeenAt}` : 'never seen';
            const read = d.self ? `uploaded through ${d.uploadedThrough ?? 0}` : `read through ${d.readThrough}${d.uploadedThrough !== null ? `/${d.uploadedThrough}` : ''}`;
            return `${d.deviceId.slice(0, 8)}  ${(d.name ?? '?').padEnd(20)} ${seen.padEnd(40)} ${read}${d.offlineTooLong ? '  OFFLINE TOO LONG' : ''}`;
          })
          .join('\n'),
      );
    });

  program
    .command('pending')
    .description('Change sets from other devices held for approval (mass deletions)')
    .action(async () => {
      const ctx = context();
      const { changeSets } = await ctx.call('sync.pending.list', {});
      ctx.out.result({ changeSets }, () => (changeSets.length === 0 ? 'Nothing is waiting for approval.' : changeSets.map(changeSetLine).join('\n')));
    });

  program
    .command('approve')
    .description('Apply a held change set as it is')
    .argument('<id>', 'change set id from `cairn pending`')
    .action(async (id: string) => {
      const ctx = context();
      const result = await ctx.call('sync.pending.approve', { id });
      ctx.out.result(result, () => `Applied change set ${result.id} (${result.applied} object(s)).`);
    });

  program
    .command('reject')
    .description('Discard a held change set: its changes stay out of this device')
    .argument('<id>', 'change set id from `cairn pending`')
    .action(async (id: string) => {
      const ctx = context();
      const result = await ctx.call('sync.pending.reject', { id });
      ctx.out.result(result, () => `Rejected change set ${result.id}: its ${result.quarantined} object(s) stay refused on this device.`);
    });

  program
    .command('keep-local')
    .description('Keep local copies of a collection\'s bytes on this device (fetched as versions arrive)')
    .argument('<collection>')
    .option('--off', 'stop keeping local copies (bytes already here stay)')
    .action(async (collection: string, flags: { off?: boolean }) => {
      const ctx = context();
      const result = await ctx.call('sync.keepLocal', { collection, keep: !flags.off });
      ctx.out.result(result, () => (result.collections.length === 0 ? 'No collection is kept locally.' : `Kept locally: ${result.collections.join(', ')}.`));
    });
}

/** `cairn sync` without --once: this process owns the repository and syncs until stopped. */
async function syncInForeground(ctx: CliContext, compact: boolean): Promise<void> {
  const owner = await startOwningEngine({ purpose: '`cairn sync`', repositoryPath: ctx.repositoryPath, logEcho: ctx.out.json ? 'silent' : 'warn', passphrase: passphraseForOpen });
  const engine = owner.engine;
  try {
    const first = (await engine.call('sync.now', { compact }, { transport: 'cli' })) as Round;
    ctx.out.result(first, () => `${roundSummary(first)}\nSyncing in the background; press Ctrl+C to stop.`);
    const stop = engine.events.subscribe((event, payload) => {
      if (event !== 'sync.changed') return;
      const change = payload as EventPayload<'sync.changed'>;
      if (ctx.out.json) process.stdout.write(`${JSON.stringify(change)}\n`);
      else if (!change.ok) ctx.out.note(`${change.at} sync failed: ${change.error}`);
      else if (change.applied + change.held + change.refused > 0) ctx.out.note(`${change.at} applied ${change.applied}, held ${change.held}, refused ${change.refused}`);
    });
    await new Promise<void>((resolve) => {
      const done = () => {
        process.off('SIGINT', done);
        process.off('SIGTERM', done);
        resolve();
      };
      process.on('SIGINT', done);
      process.on('SIGTERM', done);
    });
    stop();
  } finally {
    await owner.stop();
  }
}
