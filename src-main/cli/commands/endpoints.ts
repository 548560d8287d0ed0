import type { Command } from 'commander';
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
    .action(async (name: string, flags: Record<string, string | undefined>) => {
      const ctx = context();
      const secret = process.env.CAIRN_ENDPOINT_SECRET ?? (flags.secretFile ? await readSecretFile(flags.secretFile) : undefined);
      if (!secret) throw new UsageError('No secret key given.', 'Set CAIRN_ENDPOINT_SECRET or pass --secret-file (secrets are never taken as command-line arguments, which other users can see).');
      const role = flags.role === 'sync' || flags.role === 'backup' ? flags.role : undefined;
      if (!role) throw new UsageError(`--role is "backup" or "sync", not "${flags.role}".`);
      const view = await ctx.call('endpoints.add', {
        name,
        url: flags.url!,
        bucket: flags.bucket!,
        accessKeyId: flags.accessKey!,
        secretAccessKey: secret,
        region: flags.region ?? 'us-east-1',
        prefix: flags.prefix ?? '',
        role,
        ...(flags.storageClass ? { storageClass: flags.storageClass } : {}),
        bandwidthLimit: Number(flags.bandwidth ?? 0),
      });
      ctx.out.result(view, () => `Endpoint ${view.name}: ${view.url} bucket ${view.bucket}${view.prefix ? `/${view.prefix}` : ''} (${view.role}). Check it with \`cairn endpoint test ${view.name}\`.`);
    });

  endpoint
    .command('list')
    .description('List endpoints (secrets are never shown)')
    .action(async () => {
      const ctx = context();
      const { endpoints } = await ctx.call('endpoints.list', {});
      ctx.out.result({ endpoints }, () =>
        endpoints.length === 0 ? 'No endpoints yet. Add one with `cairn endpoint add`.' : endpoints.map((e) => `${e.name.padEnd(16)} ${e.role.padEnd(7)} ${e.url} ${e.bucket}${e.prefix ? `/${e.prefix}` : ''}${e.source === 'environment' ? '  (from ARTIFACT_* variables)' : ''}`).join('\n'),
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
          ...report.problems.map((p) => `${p.repairedFrom ? 'REPAIRED' : 'PROBLEM '} ${p.message}${p.repairedFrom ? ` (from ${p.repairedFrom})` : ''}`),
          report.problems.length === 0 ? 'Everything verified.' : report.ok ? 'All problems were repaired.' : 'Some problems could not be repaired.',
        ].join('\n'),
      );
      if (!report.ok) process.exitCode = 1;
    });
}

async function readSecretFile(file: string): Promise<string> {
  const fs = await import('node:fs/promises');
  try {
    return (await fs.readFile(file, 'utf8')).split(/\r?\n/)[0] ?? '';
  } catch (err) {
    throw new UsageError(`Cannot read the secret file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
  }
}
