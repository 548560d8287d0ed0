/**
 * `cairn serve` on a fresh repository for one spec file: the built CLI as a child process (as
 * status.spec.ts does), plus the same CLI for putting data in the way a person would.
 */
import { expect } from '@playwright/test';
import { runCli, startCli, type CliProcess, type CliResult } from '../../helpers/cli';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

export interface Served {
  dir: TempDir;
  repo: string;
  /** The URL with the per-start token; `at('#/endpoints')` opens a view. */
  openUrl: URL;
  at(hash: string): string;
  /** Runs `cairn --repo <repo> …` (it talks to the running server). */
  cli(...args: string[]): Promise<CliResult>;
  /** The same with `--json`, parsed. */
  cliJson<T>(...args: string[]): Promise<T>;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** Runs before the server starts, e.g. to write `<repo>/local/types.yaml`. */
  prepare?: (dir: TempDir, repo: string) => Promise<void>;
}

export async function serve(label: string, options: ServeOptions = {}): Promise<Served> {
  const dir = await makeTempDir(label);
  const repo = dir.join('vault');
  await options.prepare?.(dir, repo);
  const server: CliProcess = startCli(['serve', '--port', '0', '--json', '--repo', repo], { entry: 'built', guardMs: 600_000 });
  const printed = (await server.waitForJson()) as { url: string; repositoryPath: string };
  const openUrl = new URL(printed.url);
  const served: Served = {
    dir,
    repo,
    openUrl,
    at(hash) {
      const url = new URL(openUrl);
      url.hash = hash;
      return url.toString();
    },
    async cliJson<T>(...args: string[]) {
      const result = await served.cli('--json', ...args);
      return JSON.parse(result.stdout) as T;
    },
    async cli(...args) {
      const result = await runCli(['--repo', repo, ...args], { entry: 'built', guardMs: 60_000 });
      expect(result.code, `cairn ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
      return result;
    },
    async stop() {
      const exit = await server.stop('SIGTERM');
      await dir.remove();
      expect(exit.code, exit.stderr).toBe(0);
    },
  };
  return served;
}
