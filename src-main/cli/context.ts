import path from 'node:path';
import { Engine } from '../engine/engine';
import { defaultRepositoryPath } from '../engine/paths';
import { createOutput, type Output } from './output';

/** Options every command accepts (declared once on the root program). */
export interface GlobalOptions {
  repo?: string;
  json?: boolean;
}

export interface CliContext {
  readonly out: Output;
  readonly repositoryPath: string;
  /** Opens the repository with an engine for the duration of the command. */
  withEngine<T>(run: (engine: Engine) => Promise<T>, options?: { logEcho?: 'info' | 'silent' }): Promise<T>;
}

export function createContext(globals: GlobalOptions): CliContext {
  const repositoryPath = globals.repo ? path.resolve(globals.repo) : defaultRepositoryPath();
  return {
    out: createOutput(Boolean(globals.json)),
    repositoryPath,
    async withEngine(run, options = {}) {
      const engine = new Engine({ repositoryPath, logEcho: options.logEcho ?? 'silent' });
      await engine.start();
      try {
        return await run(engine);
      } finally {
        await engine.stop();
      }
    },
  };
}
