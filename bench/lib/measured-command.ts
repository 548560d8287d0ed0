/**
 * Runs one command under GNU `/usr/bin/time -v` and reads back its wall time, CPU time, peak
 * resident memory and exit status. The same wrapper is used for every tool, so whatever it
 * costs is paid equally. A command that fails, cannot start or times out is returned as a
 * result with `ok: false` and an explanation, never thrown: the benchmark records it and goes on.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const gnuTime = '/usr/bin/time';
/** Output kept per stream; restic and friends can print a lot of progress. */
const outputLimitBytes = 1024 * 1024;

export interface MeasureOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Kill the command (and its children) after this long. */
  readonly timeoutMs?: number;
}

export interface MeasuredCommand {
  readonly argv: readonly string[];
  readonly ok: boolean;
  readonly exitCode: number | null;
  /** From /usr/bin/time: "Elapsed (wall clock) time" (10 ms resolution). */
  readonly wallSeconds: number;
  readonly userSeconds: number;
  readonly systemSeconds: number;
  /** From /usr/bin/time: "Maximum resident set size", in bytes. */
  readonly maxRssBytes: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it is not ok (exit status, signal, timeout, missing tool), with the tail of its output. */
  readonly error?: string;
}

/** Parses `/usr/bin/time -v` output. Exported for tests. */
export function parseTimeVerbose(text: string): { wallSeconds: number; userSeconds: number; systemSeconds: number; maxRssBytes: number; exitStatus: number | null } {
  const field = (label: string): string | undefined => {
    const line = text.split('\n').find((l) => l.trim().startsWith(label));
    return line?.slice(line.lastIndexOf(': ') + 2).trim();
  };
  const number = (label: string): number => Number(field(label) ?? Number.NaN);
  const exit = field('Exit status');
  return {
    wallSeconds: parseClock(field('Elapsed (wall clock) time') ?? ''),
    userSeconds: number('User time (seconds)'),
    systemSeconds: number('System time (seconds)'),
    maxRssBytes: number('Maximum resident set size (kbytes)') * 1024,
    exitStatus: exit === undefined ? null : Number(exit),
  };
}

/** "1:02:03", "2:03.45" or "0:01.23" to seconds. */
function parseClock(clock: string): number {
  if (!/^[\d:.]+$/.test(clock)) return Number.NaN;
  return clock.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

function tail(text: string, lines = 6): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

export async function runMeasured(argv: readonly string[], options: MeasureOptions = {}): Promise<MeasuredCommand> {
  const timeFile = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'cairn-bench-time-')), 'time.txt');
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  const { code, signal, spawnError } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }>((resolve) => {
    // detached: the command gets its own process group, so a timeout can end all of it.
    const child = spawn(gnuTime, ['-v', '-o', timeFile, ...argv], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const keep = (current: string, chunk: Buffer): string => (current.length < outputLimitBytes ? current + chunk.toString('utf8') : current);
    child.stdout.on('data', (chunk: Buffer) => (stdout = keep(stdout, chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = keep(stderr, chunk)));
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            try {
              if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
            } catch {} // already gone
          }, options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, spawnError: err });
    });
    child.on('close', (closeCode, closeSignal) => {
      clearTimeout(timer);
      resolve({ code: closeCode, signal: closeSignal });
    });
  });
  const timeText = await fs.readFile(timeFile, 'utf8').catch(() => '');
  await fs.rm(path.dirname(timeFile), { recursive: true, force: true });
  const parsed = parseTimeVerbose(timeText);

  let error: string | undefined;
  if (spawnError) error = `could not start ${gnuTime}: ${spawnError.message}`;
  else if (timedOut) error = `timed out after ${Math.round((options.timeoutMs ?? 0) / 1000)} s`;
  else if (signal) error = `killed by ${signal}`;
  else if (code !== 0) {
    // GNU time says "cannot run X" on stderr when the program is missing (exit 127).
    const why = tail(stderr) || tail(stdout) || '(no output)';
    error = `exit status ${code}: ${why}`;
  }
  return {
    argv,
    ok: error === undefined,
    exitCode: code,
    ...parsed,
    stdout,
    stderr,
    ...(error === undefined ? {} : { error }),
  };
}
