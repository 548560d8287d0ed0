import path from 'node:path';
import type { Command } from 'commander';
import type { CommandInput, CommandName, CommandOutput } from '../../../src-shared/contract';
import { runDoctor, type OpenedEngine } from '../../engine/doctor/doctor';
import type { DoctorFinding } from '../../engine/doctor/findings';
import { Engine } from '../../engine/engine';
import { readOwner } from '../../engine/lock/repository-lock';
import { defaultConfigDir } from '../../engine/paths';
import type { CliContext } from '../context';
import { passphraseForOpen } from '../passphrase';

const marks: Record<DoctorFinding['status'], string> = { ok: 'ok     ', warning: 'WARNING', problem: 'PROBLEM' };

/** `cairn doctor`: what keeps Cairn from working here, each with what to do. Exit 1 on a problem. */
export function registerDoctor(program: Command, context: () => CliContext): void {
  program
    .command('doctor')
    .description('Check the repository, lock, endpoints, clock, watched folders and disk space; say what to do about each problem')
    .action(async () => {
      const ctx = context();
      const report = await runDoctor({
        repositoryPath: ctx.repositoryPath,
        openEngine: () => openEngine(ctx),
        watchSettingsFile: path.join(defaultConfigDir(), 'watched-folders.json'),
      });
      ctx.out.result(report, () =>
        [
          ...report.findings.map((f) => `${marks[f.status]} ${f.area.padEnd(10)} ${f.message}${f.fix && f.status !== 'ok' ? `\n${' '.repeat(19)}-> ${f.fix}` : ''}`),
          report.ok ? 'No problems found.' : `${report.findings.filter((f) => f.status === 'problem').length} problem(s) found.`,
        ].join('\n'),
      );
      if (!report.ok) process.exitCode = 1;
    });
}

/**
 * Through the running owner (the app, `cairn serve`) when there is one, so the doctor sees what
 * it sees; otherwise an engine of its own holding the lock, which fails at once (LOCKED) rather
 * than waiting while another command works.
 */
async function openEngine(ctx: CliContext): Promise<OpenedEngine> {
  const owner = await readOwner(ctx.localDir);
  if (owner?.socket) return { call: (name, input) => ctx.call(name, input), close: async () => undefined };
  const engine = new Engine({ repositoryPath: ctx.repositoryPath, passphrase: passphraseForOpen, lock: { purpose: '`cairn doctor`' } });
  await engine.start();
  return {
    call: <C extends CommandName>(name: C, input: CommandInput<C>) => engine.call(name, input, { transport: 'cli' }) as Promise<CommandOutput<C>>,
    close: () => engine.stop(),
  };
}
