import { requestMessageSchema, type ServerMessage } from '../../src-shared/rpc';
import { InvalidInputError } from '../../src-shared/errors';
import { toWireError } from '../../src-shared/wire-errors';
import type { Engine } from '../engine/engine';

/**
 * One client connection speaking the message protocol of `src-shared/rpc.ts` over any framed
 * text transport (a WebSocket, a line-delimited local socket). It validates each message,
 * runs the command through the engine, and forwards every engine event to the client.
 */
export class RpcSession {
  private readonly unsubscribe: () => void;
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly engine: Engine,
    private readonly send: (message: ServerMessage) => void,
    private readonly transport: string,
  ) {
    this.unsubscribe = engine.events.subscribe((event, payload) => {
      if (!this.closed) this.send({ type: 'event', event, payload });
    });
  }

  /** Handles one raw message; never throws (a bad message gets an error response). */
  async handle(raw: string): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      this.reply(-1, new InvalidInputError('message', ['not valid JSON']));
      return;
    }
    const parsed = requestMessageSchema.safeParse(json);
    if (!parsed.success) {
      const id = typeof (json as { id?: unknown })?.id === 'number' ? (json as { id: number }).id : -1;
      this.reply(id, new InvalidInputError('message', ['expected {type:"request", id, command, input}']));
      return;
    }
    const { id, command, input } = parsed.data;
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      const output = await this.engine.call(command, input, { transport: this.transport, signal: controller.signal });
      if (!this.closed) this.send({ type: 'response', id, ok: true, output });
    } catch (err) {
      this.reply(id, err);
    } finally {
      this.inFlight.delete(controller);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const controller of this.inFlight) controller.abort();
  }

  private reply(id: number, err: unknown): void {
    if (!this.closed) this.send({ type: 'response', id: Math.max(id, 0), ok: false, error: toWireError(err) });
  }
}
