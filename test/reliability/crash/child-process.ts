/**
 * Runs a TypeScript entry point (the CLI, or a fixture script) as a real child process through
 * tsx, the way test/helpers/cli.ts runs the CLI, but for any script and with a longer guard: the
 * crash suite runs many processes on a busy two-core machine.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot, type CliResult } from '../../helpers/cli';

export const cliEntry = path.join(projectRoot, 'src-main/cli/main.ts');

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  /** The child is killed (and the run rejected) after this long. */
  guardMs?: number;
}

/** Runs `node --import tsx <entry> ...args` to completion. */
export function runTypeScript(entry: string, args: string[], options: ChildOptions = {}): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const guardMs = options.guardMs ?? 90_000;
  let hung = false;
  const guard = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, guardMs);
  return new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    // 'close' comes after the child is reaped, so its pid no longer counts as running: the next
    // process can take over the repository lock it leaves behind.
    child.once('close', (code, signal) => {
      clearTimeout(guard);
      if (hung) reject(new Error(`${path.basename(entry)} ${args.join(' ')} still ran after ${guardMs} ms.\n${stdout}\n${stderr}`));
      else resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The command line of a run, with its output, for assertion messages. */
export function describeRun(what: string, result: CliResult): string {
  return `${what}: exit ${result.code}, signal ${result.signal}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}
