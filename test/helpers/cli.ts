/**
 * Runs the `cairn` CLI as a real child process, the way a person or a script would.
 *
 * - `runCli(args)` runs a command to completion and returns its exit code and output.
 * - `startCli(args)` starts a long-running command (`serve`), lets the test wait for what it
 *   prints, and stops it with a signal.
 *
 * `entry: 'source'` (the default) runs the TypeScript sources through tsx, so unit tests need no
 * build; `entry: 'built'` runs `bin/cairn.js` (the built CLI), as the end-to-end tests do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type CliEntry = 'source' | 'built';

export interface CliOptions {
  entry?: CliEntry;
  /** Added to (and overriding) the parent's environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Guard against a hung child: it is killed and the test fails after this long. */
  guardMs?: number;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  readonly child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when the process has exited and its output is complete. */
  readonly exited: Promise<CliResult>;
  /** Resolves with the first non-undefined value `read` returns for the stdout so far. */
  waitFor<T>(read: (stdout: string) => T | undefined, what: string): Promise<T>;
  /** Resolves once stdout holds one complete JSON document (as `--json` prints it). */
  waitForJson(): Promise<unknown>;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit. */
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
}

// Below vitest's 30 s test timeout, so a hung child fails with its output rather than silently.
const defaultGuardMs = 20_000;

function commandLine(args: string[], entry: CliEntry): string[] {
  return entry === 'built'
    ? [path.join(projectRoot, 'bin/cairn.js'), ...args]
    : ['--import', 'tsx', path.join(projectRoot, 'src-main/cli/main.ts'), ...args];
}

/** Parses stdout as one JSON document; undefined while it is still incomplete. */
export function parseJsonOutput(stdout: string): unknown {
  const text = stdout.trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function startCli(args: string[], options: CliOptions = {}): CliProcess {
  const child = spawn(process.execPath, commandLine(args, options.entry ?? 'source'), {
    cwd: options.cwd ?? projectRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  const describe = () => `cairn ${args.join(' ')}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
  const guardMs = options.guardMs ?? defaultGuardMs;
  let hung = false;
  const guard = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, guardMs);
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(guard);
      if (hung) reject(new Error(`The CLI was still running after ${guardMs} ms and was killed.\n${describe()}`));
      else resolve({ code, signal, stdout, stderr });
    });
  });
  // Whoever awaits `exited` still sees a rejection; this only keeps it from being "unhandled".
  exited.catch(() => {});

  const waitFor = <T>(read: (out: string) => T | undefined, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = read(stdout);
        if (value === undefined) return false;
        child.stdout.off('data', onData);
        resolve(value);
        return true;
      };
      const onData = () => void check();
      if (check()) return;
      child.stdout.on('data', onData);
      void exited.then(
        (result) => {
          if (!check()) reject(new Error(`The CLI exited (code ${result.code}, signal ${result.signal}) before printing ${what}.\n${describe()}`));
        },
        reject,
      );
    });

  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitFor,
    waitForJson: () => waitFor(parseJsonOutput, 'a JSON document'),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs one CLI command to completion. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).exited;
}
