import type { CommandInput, CommandName, CommandOutput } from '../../../src-shared/contract';

/** What `cairn doctor` looked at. */
export type DoctorArea = 'repository' | 'lock' | 'endpoints' | 'clock' | 'watchers' | 'disk' | 'leftovers';

/**
 * One thing the doctor found. A `problem` needs doing something (the command exits 1); a
 * `warning` is worth knowing but Cairn copes; `ok` says what was checked and found fine.
 */
export interface DoctorFinding {
  area: DoctorArea;
  status: 'ok' | 'warning' | 'problem';
  message: string;
  /** What to do about it (warnings and problems). */
  fix?: string;
}

export interface DoctorReport {
  /** No finding is a problem. */
  ok: boolean;
  findings: DoctorFinding[];
}

/** Runs a contract command on the engine that has the repository open. */
export type CommandCaller = <C extends CommandName>(name: C, input: CommandInput<C>) => Promise<CommandOutput<C>>;

export function finding(area: DoctorArea, status: DoctorFinding['status'], message: string, fix?: string): DoctorFinding {
  return fix === undefined ? { area, status, message } : { area, status, message, fix };
}

export function reportOf(findings: DoctorFinding[]): DoctorReport {
  return { ok: findings.every((f) => f.status !== 'problem'), findings };
}
