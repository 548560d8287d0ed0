import type { Command } from 'commander';
import type { CommandOutput } from '../../../src-shared/contract';
import { formatDuration } from '../output';
import type { CliContext } from '../context';

export function registerStatus(program: Command, context: () => CliContext): void {
  program
    .command('status')
    .description('Show the engine version, repository location and uptime')
    .action(async () => {
      const ctx = context();
      const status = (await ctx.withEngine((engine) => engine.call('engine.status', {}, { transport: 'cli' }))) as CommandOutput<'engine.status'>;
      ctx.out.result(status, () =>
        [
          `Cairn ${status.version}`,
          `repository  ${status.repositoryPath}`,
          `uptime      ${formatDuration(status.uptimeMs)}`,
          `host        ${status.host} (pid ${status.pid}, node ${status.nodeVersion})`,
        ].join('\n'),
      );
    });
}
