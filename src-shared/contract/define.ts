import type { z } from 'zod';

/** One command of the contract: what goes down (input) and what comes back (output). */
export interface CommandSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  /** One line for people: shown by `cairn help` and in the API docs. */
  readonly summary: string;
}

/** One event of the contract: state or progress flowing up from the engine. */
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly payload: P;
  readonly summary: string;
}

export function command<I extends z.ZodType, O extends z.ZodType>(summary: string, input: I, output: O): CommandSpec<I, O> {
  return { summary, input, output };
}

export function event<P extends z.ZodType>(summary: string, payload: P): EventSpec<P> {
  return { summary, payload };
}
