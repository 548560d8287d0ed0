/**
 * Builds the typed `CairnClient` over any transport. The transport only knows how to send a
 * named command with an untyped input and how to deliver events; the types come from the
 * contract. Used by the renderer (IPC or WebSocket), the CLI (local socket) and tests.
 */
import {
  commandNames,
  isEventName,
  type CairnClient,
  type CommandName,
  type EventName,
  type EventListener,
} from './contract';

export interface ClientTransport {
  call(command: CommandName, input: unknown): Promise<unknown>;
  /** Registers the single sink for every event; returns nothing (one per client). */
  onEvent(sink: (event: string, payload: unknown) => void): void;
}

export function createClient(transport: ClientTransport): CairnClient {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  transport.onEvent((event, payload) => {
    if (!isEventName(event)) return; // an event from a newer engine: ignore, do not crash
    for (const listener of listeners.get(event) ?? []) listener(payload);
  });

  const client: Record<string, unknown> = {
    on<E extends EventName>(event: E, listener: EventListener<E>) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
  };
  for (const name of commandNames) {
    client[name] = (input: unknown) => transport.call(name, input ?? {});
  }
  return client as CairnClient;
}
