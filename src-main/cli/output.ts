import { CairnError } from '../../src-shared/errors';
import { toWireError } from '../../src-shared/wire-errors';

/** Exit codes: 0 ok, 1 the command failed, 2 the command line was wrong. */
export const exitCodes = { ok: 0, error: 1, usage: 2 } as const;

export class UsageError extends CairnError {
  constructor(message: string, hint?: string) {
    super('INVALID_INPUT', message, hint === undefined ? {} : { hint });
    this.name = 'UsageError';
  }
}

export interface Output {
  readonly json: boolean;
  /** A result: JSON on stdout with --json, else the human rendering. */
  result(value: unknown, human: () => string): void;
  /** A side note for people (stderr, so stdout stays parseable). */
  note(line: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(value, human) {
      process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
    note(line) {
      process.stderr.write(`${line}\n`);
    },
  };
}

/** Prints an error the way the rest of the CLI does and returns the exit code to use. */
export function reportError(err: unknown, json: boolean): number {
  const usage = err instanceof UsageError;
  const wire = toWireError(err);
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: wire }, null, 2)}\n`);
  } else {
    process.stderr.write(`cairn: ${wire.message}\n`);
    if (wire.hint) process.stderr.write(`  ${wire.hint}\n`);
  }
  return usage ? exitCodes.usage : exitCodes.error;
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
