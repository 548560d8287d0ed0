import type { CommandName, CommandOutput, ParsedInput } from '../../../src-shared/contract';

/** Who is calling; hosts fill it in so the engine can attribute and log. */
export interface CallContext {
  /** The transport the call came through: 'ipc', 'websocket', 'http', 'local-socket', 'cli'. */
  readonly transport: string;
  /** Lets a long command report progress or stop early when the caller goes away. */
  readonly signal?: AbortSignal;
}

export type Handler<C extends CommandName> = (input: ParsedInput<C>, ctx: CallContext) => Promise<CommandOutput<C>>;

/** One handler per contract command; the engine's map is checked against this with `satisfies`. */
export type Handlers = { [C in CommandName]: Handler<C> };

/** The handlers of one area (the keys of that area's contract module). */
export type AreaHandlers<K extends CommandName> = { [C in K]: Handler<C> };
