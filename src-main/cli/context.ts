import path from 'node:path';
import type { CommandInput, CommandName, CommandOutput, EventPayload } from '../../src-shared/contract';
import { Engine } from '../engine/engine';
import { readOwner, RepositoryLockedError, type OwnerRecord } from '../engine/lock/repository-lock';
import { defaultRepositoryPath } from '../engine/paths';
import { tokenFilePath } from '../server/local-socket';
import { createOutput, type Output } from './output';
import { passphraseForOpen } from './passphrase';
import { createProgressLine } from './progress';
import { connectToOwner } from './remote';

/** Options every command accepts (declared once on the root program). */
export interface GlobalOptions {
  repo?: string;
  json?: boolean;
}

export interface CliContext {
  readonly out: Output;
  readonly repositoryPath: string;
  readonly localDir: string;
  /** Opens the repository with an engine for the duration of the command (no lock: read-only use). */
  withEngine<T>(run: (engine: Engine) => Promise<T>, options?: { logEcho?: 'info' | 'silent'; lockPurpose?: string; prestartWorkers?: boolean }): Promise<T>;
  /**
   * Runs one contract command the way every CLI command should: through the engine that owns
   * the repository when one runs (the app, `cairn serve`), else in this process holding the
   * repository lock. Progress events are shown on a terminal.
   */
  call<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>>;
}

/** How long a command waits for another short-lived `cairn` command to release the lock. */
const lockWaitMs = 10 * 60 * 1000;

export function createContext(globals: GlobalOptions): CliContext {
  const repositoryPath = globals.repo ? path.resolve(globals.repo) : defaultRepositoryPath();
  const localDir = path.join(repositoryPath, 'local');
  const out = createOutput(Boolean(globals.json));

  const context: CliContext = {
    out,
    repositoryPath,
    localDir,
    async call(name, input) {
      const deadline = Date.now() + lockWaitMs;
      let waitingNoted = false;
      for (;;) {
        const owner = await readOwner(localDir);
        if (owner?.socket) return callOwner(owner.socket, localDir, name, input, out);
        if (!owner) {
          try {
            return await callLocally(context, name, input, out);
          } catch (err) {
            if (!(err instanceof RepositoryLockedError)) throw err;
            // Someone took the lock between our look and our try: go round again.
          }
        } else {
          if (Date.now() > deadline) throw new RepositoryLockedError(owner, path.join(localDir, 'run', 'owner.lock'));
          if (!waitingNoted) {
            out.note(`Waiting for ${owner.purpose} (pid ${owner.pid}) to finish with the repository…`);
            waitingNoted = true;
          }
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
      }
    },
    async withEngine(run, options = {}) {
      const engine = new Engine({
        repositoryPath,
        logEcho: options.logEcho ?? 'silent',
        passphrase: passphraseForOpen,
        ...(options.prestartWorkers ? { prestartWorkers: true } : {}),
        ...(options.lockPurpose
          ? {
              lock: {
                purpose: options.lockPurpose,
                onStaleTakeover: (previous: OwnerRecord) =>
                  out.note(`Note: took over the repository lock left by pid ${previous.pid} (${previous.purpose}), which is no longer running.`),
              },
            }
          : {}),
      });
      await engine.start();
      try {
        return await run(engine);
      } finally {
        await engine.stop();
      }
    },
  };
  return context;
}

async function callLocally<C extends CommandName>(context: CliContext, name: C, input: CommandInput<C>, out: Output): Promise<CommandOutput<C>> {
  return context.withEngine(
    async (engine) => {
      const progress = createProgressLine(!out.json);
      const stop = engine.events.subscribe((event, payload) => {
        if (event === 'job.progress') progress.update(payload as EventPayload<'job.progress'>);
      });
      try {
        return (await engine.call(name, input, { transport: 'cli' })) as CommandOutput<C>;
      } finally {
        stop();
        progress.done();
      }
    },
    { lockPurpose: `\`cairn ${name.replace(/^repo\./, '')}\``, prestartWorkers: commandsWithWorkers.has(name) },
  );
}

/** Commands that ingest or restore: their worker threads start while the passphrase is checked. */
const commandsWithWorkers = new Set<CommandName>(['repo.snapshot', 'repo.restore', 'catalogue.add', 'catalogue.restoreTo']);

async function callOwner<C extends CommandName>(socket: string, localDir: string, name: C, input: CommandInput<C>, out: Output): Promise<CommandOutput<C>> {
  const connection = await connectToOwner(socket, tokenFilePath(localDir));
  const progress = createProgressLine(!out.json);
  const stop = connection.client.on('job.progress', (p) => progress.update(p));
  try {
    const call = connection.client[name] as unknown as (input: CommandInput<C>) => Promise<CommandOutput<C>>;
    return await call(input);
  } finally {
    stop();
    progress.done();
    connection.close();
  }
}
