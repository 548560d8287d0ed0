/**
 * The contract: the single list of every command and event between the renderer (or any other
 * client) and the engine. Transports (Electron IPC, WebSocket, the local socket) and the client
 * types are all derived from it; nothing about the API is declared anywhere else.
 *
 * Each area keeps its commands in `contract/<area>.ts`; this module joins them.
 */
import type { z } from 'zod';
import { desktopCommands } from './contract/desktop';
import { engineCommands, engineEvents } from './contract/engine';
import { endpointCommands } from './contract/endpoints';
import { catalogueCommands, catalogueEvents } from './contract/catalogue';
import { repositoryCommands, repositoryEvents } from './contract/repository';
import { syncCommands, syncEvents } from './contract/sync';
import { vaultCommands, vaultEvents } from './contract/vault';
import { watchCommands, watchEvents } from './contract/watch';

export const commands = {
  ...engineCommands,
  ...repositoryCommands,
  ...endpointCommands,
  ...catalogueCommands,
  ...vaultCommands,
  ...watchCommands,
  ...desktopCommands,
  ...syncCommands,
} as const;

export const events = {
  ...engineEvents,
  ...repositoryEvents,
  ...catalogueEvents,
  ...vaultEvents,
  ...watchEvents,
  ...syncEvents,
} as const;

export type Commands = typeof commands;
export type Events = typeof events;
export type CommandName = keyof Commands;
export type EventName = keyof Events;

/** What a caller passes (before defaults are applied). */
export type CommandInput<C extends CommandName> = z.input<Commands[C]['input']>;
/** What a handler receives (after parsing and defaults). */
export type ParsedInput<C extends CommandName> = z.output<Commands[C]['input']>;
export type CommandOutput<C extends CommandName> = z.output<Commands[C]['output']>;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;

export const commandNames = Object.keys(commands) as CommandName[];
export const eventNames = Object.keys(events) as EventName[];

export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(commands, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

export type EventListener<E extends EventName> = (payload: EventPayload<E>) => void;

/**
 * The typed client every transport provides: one async function per command, plus `on` for
 * events. The preload's `window.cairn` is checked against this with `satisfies`.
 */
export type CairnClient = {
  readonly [C in CommandName]: (input: CommandInput<C>) => Promise<CommandOutput<C>>;
} & {
  on<E extends EventName>(event: E, listener: EventListener<E>): () => void;
};
