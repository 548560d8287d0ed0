import { CairnError } from '../../src-shared/errors';

/** One line for a person: the engine's message, and its hint when it has one. */
export function describeError(err: unknown): string {
  if (err instanceof CairnError) return err.hint ? `${err.message} ${err.hint}` : err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The error code when it is one of ours ('CANCELLED', 'NOT_FOUND', …). */
export function errorCode(err: unknown): string | null {
  return err instanceof CairnError ? err.code : null;
}
