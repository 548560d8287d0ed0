import type { Command } from 'commander';
import type { CommandOutput } from '../../../src-shared/contract';
import type { CliContext } from '../context';
import { formatBytes, UsageError } from '../output';

/** Endpoints and one-click backup from the terminal: `endpoint add|list|remove|test`, `backup`, `verify`. */
export function registerEndpointCommands(program: Command, context: () => CliContext): void {
  const endpoint = program.command('endpoint').description('S3-compatible endpoints this device backs up to or syncs through');

  endpoint
    .command('add')
    .description('Add or replace an endpoint (the secret is read from $CAIRN_ENDPOINT_SECRET or --secret-file)')
    .argument('<name>')
    .requiredOption('--url <url>', 'endpoint URL, e.g. https://s3.example.com')
    .requiredOption('--bucket <bucket>')
    .requiredOption('--access-key <id>')
    .option('--secret-file <file>', 'file whose first line is the secret key')
    .option('--region <region>', 'region', 'us-east-1')
    .option('--prefix <prefix>', 'folder inside the bucket', '')
    .option('--role <role>', 'backup or sync', 'backup')
    .option('--storage-class <class>')
    .option('--bandwidth <bytesPerSecond>', 'limit in bytes per second (0 = none)', '0')
    .option('--mirror', 'copy every new object continuously while the app or `cairn serve` runs')
    .action(async (name: string, flags: Record<string, string | boolean | undefined>) => {
      const ctx = context();
      const secret = process.env.CAIRN_ENDPOINT_SECRET ?? (typeof flags.secretFile === 'string' ? await readSecretFile(flags.secretFile) : undefined);
      if (!secret) throw new UsageError('No secret key given.', 'Set CAIRN_ENDPOINT_SECRET or pass --secret-file (secrets are never taken as command-line arguments, which other users can see).');
      const role = flags.role === 'sync' || flags.role === 'backup' ? flags.role : undefined;
      if (!role) throw new UsageError(`--role is "backup" or "sync", not "${flags.role}".`);
      const text = (key: string, fallback = '') => (typeof flags[key] === 'string' ? (flags[key] as string) : fallback);
      const view = await ctx.call('endpoints.add', {
        name,
        url: text('url'),
        bucket: text('bucket'),
        accessKeyId: text('accessKey'),
        secretAccessKey: secret,
        region: text('region', 'us-east-1'),
        prefix: text('prefix'),
        role,
        ...(text('storageClass') ? { storageClass: text('storageClass') } : {}),
        bandwidthLimit: Number(text('bandwidth', '0')),
        mirror: flags.mirror === true,
      });
      ctx.out.result(view, () => `Endpoint ${view.name}: ${view.url} bucket ${view.bucket}${view.prefix ? `/${view.prefix}` : ''} (${view.role}${view.mirror ? ', mirrored' : ''}). Check it with \`cairn endpoint test ${view.name}\`.`);
    });

  endpoint
    .command('list')
    .description('List endpoints (secrets are never shown)')
    .action(async () => {
      const ctx = context();
      const { endpoints } = await ctx.call('endpoints.list', {});
      ctx.out.result({ endpoints }, () =>
        endpoints.length === 0 ? 'No endpoints yet. Add one with `cairn endpoint add`.' : endpoints.map((e) => `${e.name.padEnd(16)} ${e.role.padEnd(7)} ${e.url} ${e.bucket}${e.prefix ? `/${e.prefix}` : ''}${e.mirror ? '  (mirrored)' : ''}${e.source === 'environment' ? '  (from ARTIFACT_* variables)' : ''}`).join('\n'),
      );
    });

  endpoint
    .command('remove')
    .description('Forget an endpoint on this device (its data stays in the bucket)')
    .argument('<name>')
    .action(async (name: string) => {
      const ctx = context();
      await ctx.call('endpoints.remove', { name });
      ctx.out.result({ removed: name }, () => `Removed endpoint ${name}.`);
    });

  endpoint
    .command('test')
    .description('Check reachability, credentials, bucket, write access and clock')
    .argument('<name>')
    .action(async (name: string) => {
      const ctx = context();
      const report = await ctx.call('endpoints.test', { name });
      ctx.out.result(report, () => report.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(12)} ${c.message}`).join('\n'));
      if (!report.ok) process.exitCode = 1;
    });

  program
    .command('backup')
    .description('Copy everything an endpoint lacks, verify it, and record the job')
    .requiredOption('--to <endpoint>', 'endpoint name')
    .action(async (flags: { to: string }) => {
      const ctx = context();
      const job = await ctx.call('backup.run', { endpoint: flags.to });
      ctx.out.result(job, () =>
        job.objectsUploaded === 0
          ? `${flags.to} already had everything (${job.objectsAlreadyThere} objects).`
          : `Backed up to ${flags.to}: ${job.objectsUploaded} object(s), ${formatBytes(job.bytesUploaded)} in ${(job.durationMs / 1000).toFixed(1)} s.`,
      );
    });

  program
    .command('verify')
    .description('Download and check objects on an endpoint; repair what is bad or missing')
    .requiredOption('--endpoint <name>')
    .option('--sample <percent>', 'share of packs to download, e.g. 5%', '100%')
    .action(async (flags: { endpoint: string; sample: string }) => {
      const ctx = context();
      const match = /^(\d+(?:\.\d+)?)%?$/.exec(flags.sample.trim());
      const percent = match ? Number(match[1]) : NaN;
      if (!(percent > 0 && percent <= 100)) throw new UsageError(`--sample is a share from 0% (exclusive) to 100%, not "${flags.sample}".`);
      const report = await ctx.call('backup.verify', { endpoint: flags.endpoint, sample: percent / 100 });
      ctx.out.result(report, () =>
        [
          `${report.objectsChecked} object(s) checked on ${report.endpoint}, ${report.packsChecked}/${report.packsTotal} pack(s) downloaded (${formatBytes(report.bytesRead)}).`,
          ...report.problems.flatMap((p) => [
            `${p.repairedFrom ? 'REPAIRED' : 'PROBLEM '} ${p.message}${p.repairedFrom ? ` (from ${p.repairedFrom})` : ''}`,
            ...(p.affects.length > 0 ? [`         affects ${p.affects.slice(0, 10).map((a) => a.reference).join(', ')}${p.affects.length > 10 ? ` and ${p.affects.length - 10} more` : ''}`] : []),
          ]),
          report.problems.length === 0 ? 'Everything verified.' : report.ok ? 'All problems were repaired.' : 'Some problems could not be repaired.',
        ].join('\n'),
      );
      if (!report.ok) process.exitCode = 1;
    });

  registerReplicationCommands(program, context);
}

/** Mirroring, placement, min-copies and share links. */
function registerReplicationCommands(program: Command, context: () => CliContext): void {
  const mirror = program.command('mirror').description('Continuous mirroring to endpoints added with --mirror');
  const showMirror = (ctx: CliContext, endpoints: CommandOutput<'mirror.status'>['endpoints']) =>
    ctx.out.result({ endpoints }, () =>
      endpoints.length === 0
        ? 'No endpoint is mirrored. Add one with `cairn endpoint add NAME ... --mirror`.'
        : endpoints
            .map((e) => `${e.endpoint.padEnd(16)} ${e.pendingObjects === 0 ? 'up to date' : `${e.pendingObjects} object(s), ${formatBytes(e.pendingBytes)} to copy`}${e.lastError ? `  last error: ${e.lastError}` : ''}${e.retryAt ? ` (retry at ${e.retryAt})` : ''}`)
            .join('\n'),
    );
  mirror
    .command('status')
    .description('What each mirrored endpoint still has to receive')
    .argument('[endpoint]')
    .action(async (name: string | undefined) => {
      const ctx = context();
      showMirror(ctx, (await ctx.call('mirror.status', name === undefined ? {} : { endpoint: name })).endpoints);
    });
  mirror
    .command('sync')
    .description('Copy now what the mirrored endpoints lack, and wait until they have it')
    .argument('[endpoint]')
    .action(async (name: string | undefined) => {
      const ctx = context();
      const { endpoints } = await ctx.call('mirror.sync', name === undefined ? {} : { endpoint: name });
      showMirror(ctx, endpoints);
      if (endpoints.some((e) => e.lastError !== null)) process.exitCode = 1;
    });

  program
    .command('placement')
    .description('Where a version is (which endpoints hold it, verified when), or with --missing what an endpoint lacks')
    .argument('[version]', 'NAME@vN')
    .option('--missing <endpoint>', 'list the repository objects this endpoint is not known to hold')
    .action(async (reference: string | undefined, flags: { missing?: string }) => {
      const ctx = context();
      if (flags.missing !== undefined) {
        const missing = await ctx.call('placement.missing', { endpoint: flags.missing });
        ctx.out.result(missing, () =>
          missing.count === 0
            ? `${missing.endpoint} holds everything (as far as this device knows; \`cairn verify --endpoint ${missing.endpoint}\` checks).`
            : [`${missing.endpoint} lacks ${missing.count} object(s), ${formatBytes(missing.bytes)}:`, ...missing.objects.slice(0, 50).map((o) => `  ${o.key} (${formatBytes(o.size)})`), missing.count > 50 ? `  … and ${missing.count - 50} more` : '']
                .filter(Boolean)
                .join('\n'),
        );
        return;
      }
      if (reference === undefined) throw new UsageError('Name a version (`cairn placement model.bin@v3`) or an endpoint (`cairn placement --missing NAME`).');
      const placement = await ctx.call('placement.version', { version: reference });
      ctx.out.result(placement, () =>
        [
          placement.reference,
          ...(placement.endpoints.length === 0
            ? ['No endpoints are configured.']
            : placement.endpoints.map((e) => `  ${e.endpoint.padEnd(16)} ${e.present ? (e.verifiedAt ? `verified ${e.verifiedAt}` : 'present, not verified yet') : `missing ${e.missingObjects} object(s)`}`)),
        ].join('\n'),
      );
    });

  program
    .command('min-copies')
    .description('Require N verified endpoint copies of every published version of a collection (0 removes); `cairn status` warns below it')
    .argument('<collection>')
    .argument('<copies>')
    .action(async (collection: string, copies: string) => {
      const ctx = context();
      const n = Number(copies);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`<copies> is a whole number from 0, not "${copies}".`);
      const { minCopies } = await ctx.call('placement.minCopies.set', { collection, copies: n });
      ctx.out.result({ minCopies }, () =>
        Object.keys(minCopies).length === 0 ? 'No collection requires copies.' : Object.entries(minCopies).map(([c, k]) => `${c}: ${k} verified endpoint cop${k === 1 ? 'y' : 'ies'}`).join('\n'),
      );
    });

  program
    .command('share')
    .description('Make a download link for a published single-file version (NAME@vN), or --revoke / --list links')
    .argument('[version]', 'NAME@vN')
    .option('--endpoint <name>', 'endpoint that holds the shared file (needed when several are configured)')
    .option('--expires <duration>', 'how long the link works, at most 7d', '24h')
    .option('--name <file>', 'file name people download (default: the version\'s own)')
    .option('--revoke', 'delete the shared file, which stops its links')
    .option('--list', 'list the share links recorded in the catalogue')
    .action(async (reference: string | undefined, flags: { endpoint?: string; expires: string; name?: string; revoke?: boolean; list?: boolean }) => {
      const ctx = context();
      if (flags.list) {
        const { links } = await ctx.call('share.list', reference === undefined ? {} : { version: reference });
        ctx.out.result({ links }, () =>
          links.length === 0 ? 'No share links yet.' : links.map((l) => `${l.state.padEnd(8)} ${l.version}  ${l.s3Uri}  until ${l.expiresAt}  by ${l.createdBy}`).join('\n'),
        );
        return;
      }
      if (reference === undefined) throw new UsageError('Name the version to share, e.g. `cairn share model.bin@v3 --endpoint backup`.');
      if (flags.revoke) {
        const { revoked } = await ctx.call('share.revoke', { version: reference, ...(flags.endpoint ? { endpoint: flags.endpoint } : {}) });
        ctx.out.result({ revoked }, () => revoked.map((l) => `Revoked ${l.s3Uri}: its links no longer work.`).join('\n'));
        return;
      }
      const share = await ctx.call('share.create', {
        version: reference,
        expiresInSeconds: parseDurationSeconds(flags.expires, '--expires'),
        ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
        ...(flags.name ? { name: flags.name } : {}),
      });
      ctx.out.result(share, () => [share.url, `${share.version} as ${share.s3Uri}, until ${share.expiresAt}.`, `Revoke it with \`cairn share --revoke ${reference} --endpoint ${share.endpoint}\`.`].join('\n'));
    });
}

/** `90`, `90s`, `45m`, `24h`, `7d` in seconds. */
export function parseDurationSeconds(value: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/.exec(value.trim());
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match?.[2] ?? ''] ?? 1;
  const seconds = match ? Math.round(Number(match[1]) * unit) : NaN;
  if (!(seconds > 0)) throw new UsageError(`${flag} takes a duration like 90s, 45m, 24h or 7d, not "${value}".`);
  return seconds;
}

async function readSecretFile(file: string): Promise<string> {
  const fs = await import('node:fs/promises');
  try {
    return (await fs.readFile(file, 'utf8')).split(/\r?\n/)[0] ?? '';
  } catch (err) {
    throw new UsageError(`Cannot read the secret file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
  }
}
