import { Command, CommanderError } from 'commander';
import { cairnVersion } from '../engine/version';
import { registerCatalogueCommands } from './commands/catalogue';
import { registerDiffCommand } from './commands/diff';
import { registerDoctor } from './commands/doctor';
import { registerEndpointCommands } from './commands/endpoints';
import { registerRepositoryCommands } from './commands/repository';
import { registerServe } from './commands/serve';
import { registerWatchCommands } from './commands/watch';
import { registerSyncCommands } from './commands/sync';
import { createContext, type CliContext, type GlobalOptions } from './context';
import { exitCodes, reportError } from './output';

/** Builds the `cairn` command line. Each command lives in `commands/<name>.ts`. */
export function buildProgram(): Command {
  const program = new Command('cairn')
    .description('Cairn: a local-first vault for files and artifacts')
    .version(cairnVersion, '-V, --version')
    .option('--repo <dir>', 'repository folder (default: $CAIRN_REPO or the per-user data folder)')
    .option('--json', 'print machine-readable JSON on stdout')
    .showHelpAfterError('(run `cairn --help` for usage)')
    .exitOverride();

  const context = (): CliContext => createContext(program.opts<GlobalOptions>());
  registerServe(program, context);
  registerRepositoryCommands(program, context);
  registerCatalogueCommands(program, context);
  registerDiffCommand(program, context);
  registerEndpointCommands(program, context);
  registerWatchCommands(program, context);
  registerSyncCommands(program, context);
  registerDoctor(program, context);
  return program;
}

/** Runs the CLI and returns its exit code (0 ok, 1 error, 2 usage). */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    // A command that ran but found problems (check, doctor, verify) set exitCode itself.
    return typeof process.exitCode === 'number' && process.exitCode !== 0 ? process.exitCode : exitCodes.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return exitCodes.ok;
      return exitCodes.usage; // commander already printed the message
    }
    const json = argv.includes('--json');
    return reportError(err, json);
  }
}
