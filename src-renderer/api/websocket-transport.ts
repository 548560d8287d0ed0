import type { ClientTransport } from '../../src-shared/client';
import { RemoteError, UnauthorizedError } from '../../src-shared/errors';
import { serverMessageSchema, type RequestMessage } from '../../src-shared/rpc';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export type ConnectionState = 'connecting' | 'open' | 'closed' | 'unauthorized';

export interface ClosableTransport extends ClientTransport {
  /** Closes the connection for good: calls in flight fail and the engine aborts them. */
  close(): void;
}

/**
 * The contract over a WebSocket to `cairn serve`. Reconnects with backoff; calls made while
 * disconnected wait for the connection instead of failing at once.
 */
export function createWebSocketTransport(
  url: string,
  onState: (state: ConnectionState) => void = () => {},
  /** Asked after a connection fails before opening: false means the token was refused. */
  isAuthorized: () => Promise<boolean> = async () => true,
): ClosableTransport {
  let socket: WebSocket | null = null;
  let closedForGood = false;
  let nextId = 1;
  let retryMs = 250;
  let unauthorized = false;
  const pending = new Map<number, Pending>();
  const queue: RequestMessage[] = [];
  let eventSink: (event: string, payload: unknown) => void = () => {};

  const connect = () => {
    onState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      retryMs = 250;
      onState('open');
      for (const message of queue.splice(0)) ws.send(JSON.stringify(message));
    };
    ws.onmessage = (event) => {
      const parsed = serverMessageSchema.safeParse(JSON.parse(String(event.data)));
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'event') return eventSink(message.event, message.payload);
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      if (message.ok) call.resolve(message.output);
      else call.reject(new RemoteError(message.error));
    };
    ws.onclose = () => {
      socket = null;
      for (const [id, call] of pending) {
        call.reject(
          closedForGood
            ? new RemoteError({ code: 'CANCELLED', message: 'Cancelled: the call was closed before it finished.' })
            : new RemoteError({ code: 'UNAVAILABLE', message: 'The connection to the Cairn engine was lost.', hint: 'It reconnects by itself; try again in a moment.' }),
        );
        pending.delete(id);
      }
      const retry = () => {
        onState('closed');
        if (closedForGood) return;
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 8000);
      };
      if (opened || closedForGood) return retry();
      // Browsers hide why an upgrade failed; ask over HTTP whether it was the token.
      void isAuthorized().then(
        (ok) => {
          if (ok) return retry();
          unauthorized = true;
          onState('unauthorized');
          for (const message of queue.splice(0)) {
            pending.get(message.id)?.reject(new UnauthorizedError());
            pending.delete(message.id);
          }
        },
        () => retry(),
      );
    };
  };
  connect();

  return {
    call(command, input) {
      if (unauthorized) return Promise.reject(new UnauthorizedError());
      const message: RequestMessage = { type: 'request', id: nextId++, command, input };
      return new Promise((resolve, reject) => {
        pending.set(message.id, { resolve, reject });
        if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
        else queue.push(message);
      });
    },
    onEvent(sink) {
      eventSink = sink;
    },
    close() {
      closedForGood = true;
      for (const message of queue.splice(0)) {
        pending.get(message.id)?.reject(new RemoteError({ code: 'CANCELLED', message: 'Cancelled before it started.' }));
        pending.delete(message.id);
      }
      socket?.close();
    },
  };
}
