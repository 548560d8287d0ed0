/**
 * A raw client for the server's `/rpc` WebSocket (the `ws` package, like any non-browser
 * client). Unlike the typed client it can send anything, so tests can send broken messages.
 */
import type http from 'node:http';
import WebSocket from 'ws';
import { serverMessageSchema, type EventMessage, type ResponseMessage } from '../../../src-shared/rpc';

export interface SocketClient {
  readonly ws: WebSocket;
  /** Sends a well-formed request and resolves with its response. */
  request(command: string, input?: unknown): Promise<ResponseMessage>;
  /** Sends any text and resolves with the next response (whatever its id). */
  sendRaw(text: string): Promise<ResponseMessage>;
  /** Resolves with the first event (already received or still to come) that matches. */
  nextEvent(match: (event: EventMessage) => boolean): Promise<EventMessage>;
  close(): Promise<void>;
}

export interface RefusedUpgrade {
  status: number;
}

function socketUrl(baseUrl: string, token: string | undefined, path: string): string {
  const url = new URL(path, baseUrl.replace(/^http/, 'ws'));
  if (token !== undefined) url.searchParams.set('token', token);
  return url.toString();
}

/** Opens a socket; resolves once it is open, or rejects with the refusing HTTP status. */
export function connect(baseUrl: string, token: string | undefined, origin?: string, path = '/rpc'): Promise<SocketClient> {
  const ws = new WebSocket(socketUrl(baseUrl, token, path), origin === undefined ? {} : { origin });
  const responses: ResponseMessage[] = [];
  const events: EventMessage[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    const message = serverMessageSchema.parse(JSON.parse(String(data)));
    if (message.type === 'event') events.push(message);
    else responses.push(message);
    for (const wake of waiters) wake();
  });

  const waitUntil = <T>(take: () => T | undefined): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const attempt = () => {
        const value = take();
        if (value === undefined) return;
        waiters.delete(attempt);
        ws.off('close', onClose);
        resolve(value);
      };
      const onClose = () => {
        waiters.delete(attempt);
        reject(new Error('The socket closed while a test was waiting for a message.'));
      };
      waiters.add(attempt);
      ws.once('close', onClose);
      attempt();
    });

  const takeResponse = (match: (r: ResponseMessage) => boolean) => () => {
    const index = responses.findIndex(match);
    return index < 0 ? undefined : responses.splice(index, 1)[0];
  };

  let nextId = 1;
  const client: SocketClient = {
    ws,
    request(command, input = {}) {
      const id = nextId++;
      ws.send(JSON.stringify({ type: 'request', id, command, input }));
      return waitUntil(takeResponse((r) => r.id === id));
    },
    sendRaw(text) {
      ws.send(text);
      return waitUntil(takeResponse(() => true));
    },
    nextEvent(match) {
      return waitUntil(() => {
        const index = events.findIndex(match);
        return index < 0 ? undefined : events.splice(index, 1)[0];
      });
    },
    close() {
      if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
      return new Promise((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      });
    },
  };

  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req: http.ClientRequest, res: http.IncomingMessage) => {
      ws.terminate();
      reject({ status: res.statusCode ?? 0 } satisfies RefusedUpgrade);
    });
    ws.once('error', reject);
  });
}

/** The HTTP status that refused an upgrade (fails the test if the socket opened instead). */
export async function refusedStatus(baseUrl: string, token: string | undefined, origin?: string, path = '/rpc'): Promise<number> {
  try {
    const client = await connect(baseUrl, token, origin, path);
    await client.close();
  } catch (err) {
    if (typeof err === 'object' && err !== null && 'status' in err) return (err as RefusedUpgrade).status;
    throw err;
  }
  throw new Error('The WebSocket upgrade was accepted but should have been refused.');
}
