import type { EventName, EventPayload } from '../../src-shared/contract';

export type EngineEventSink = (event: EventName, payload: unknown) => void;

/**
 * The engine's outgoing event stream. Hosts subscribe once and forward everything to their
 * clients; areas emit typed payloads.
 */
export class EventBus {
  private readonly sinks = new Set<EngineEventSink>();

  subscribe(sink: EngineEventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const sink of this.sinks) {
      try {
        sink(event, payload);
      } catch {
        // A broken subscriber (a closed socket) must not stop the engine or other subscribers.
      }
    }
  }
}
