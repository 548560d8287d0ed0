import { commands, isCommandName, type CommandName } from '../../../src-shared/contract';
import { InvalidInputError, UnknownCommandError } from '../../../src-shared/errors';
import type { CallContext, Handlers } from './handlers';

/**
 * The one path from a transport to a handler: look the command up, parse its input with the
 * contract's schema, run the handler. Every host calls this, so none of them can forget to
 * validate. Errors are thrown as typed `CairnError`s; hosts turn them into wire errors.
 */
export async function dispatch(handlers: Handlers, name: string, rawInput: unknown, ctx: CallContext): Promise<unknown> {
  if (typeof name !== 'string' || !isCommandName(name)) throw new UnknownCommandError(String(name).slice(0, 200));
  const input = parseInput(name, rawInput);
  const handler = handlers[name] as (input: unknown, ctx: CallContext) => Promise<unknown>;
  return handler(input, ctx);
}

export function parseInput(name: CommandName, rawInput: unknown): unknown {
  const parsed = commands[name].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 10).map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'input';
      return `${where}: ${issue.message}`;
    });
    throw new InvalidInputError(`"${name}"`, problems, parsed.error.issues.slice(0, 50));
  }
  return parsed.data;
}
