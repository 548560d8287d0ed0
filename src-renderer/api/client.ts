/**
 * The renderer's one way to reach the engine. In the desktop app the preload has put a
 * contract client at `window.cairn` (IPC); in browser mode we speak WebSocket to `cairn serve`.
 * Nothing else in the renderer knows which.
 */
import { createClient } from '../../src-shared/client';
import { commandNames, isCommandName, type CairnClient, type CommandInput, type CommandName, type CommandOutput } from '../../src-shared/contract';
import { decodeBridgeError } from '../../src-shared/wire-errors';
import { createWebSocketTransport, type ConnectionState } from './websocket-transport';

declare global {
  interface Window {
    cairn?: CairnClient;
  }
}

type StateListener = (state: ConnectionState) => void;
const stateListeners = new Set<StateListener>();
let connectionState: ConnectionState = 'connecting';

export function onConnectionState(listener: StateListener): () => void {
  stateListeners.add(listener);
  listener(connectionState);
  return () => stateListeners.delete(listener);
}

function setState(state: ConnectionState): void {
  connectionState = state;
  for (const listener of stateListeners) listener(state);
}

/** Reads the per-start token from the URL once, keeps it for reloads, and hides it from the address bar. */
export function takeToken(): string | null {
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem('cairn.token', fromUrl);
    params.delete('token');
    const rest = params.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`);
    return fromUrl;
  }
  return sessionStorage.getItem('cairn.token');
}

function ipcClient(bridge: CairnClient): CairnClient {
  // Errors lose their shape crossing the context bridge; restore the typed error here.
  const client: Record<string, unknown> = { on: bridge.on.bind(bridge) };
  for (const name of commandNames) {
    const call = bridge[name] as (input: unknown) => Promise<unknown>;
    client[name] = (input: unknown) => call(input).catch((err: unknown) => Promise.reject(decodeBridgeError(err)));
  }
  setState('open');
  return client as CairnClient;
}

let browserToken: string | null = null;

function rpcUrl(): string {
  browserToken ??= takeToken() ?? '';
  const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${window.location.host}/rpc?token=${encodeURIComponent(browserToken)}`;
}

function browserClient(): CairnClient {
  const url = rpcUrl();
  const token = browserToken ?? '';
  const isAuthorized = async () => {
    const response = await fetch('/api/engine.status', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    return response.status !== 401;
  };
  return createClient(createWebSocketTransport(url, setState, isAuthorized));
}

export const api: CairnClient = window.cairn ? ipcClient(window.cairn) : browserClient();
export const transportKind: 'ipc' | 'websocket' = window.cairn ? 'ipc' : 'websocket';

/** Whether the running contract has a command (areas arrive over time; views adapt). */
export function hasCommand(name: string): name is CommandName {
  return isCommandName(name);
}

export interface CancellableCall<T> {
  result: Promise<T>;
  /** Closes the call (the engine aborts it); null where the transport cannot (desktop IPC). */
  cancel: (() => void) | null;
}

/**
 * Runs one long command on a connection of its own, so closing that connection cancels just
 * this call: the contract has no cancel command, and the engine aborts a call whose caller went
 * away. In the desktop app IPC cannot close one call, so there is no cancel there.
 */
export function callCancellable<C extends CommandName>(command: C, input: CommandInput<C>): CancellableCall<CommandOutput<C>> {
  if (window.cairn) {
    const call = api[command] as unknown as (input: CommandInput<C>) => Promise<CommandOutput<C>>;
    return { result: call(input), cancel: null };
  }
  const transport = createWebSocketTransport(rpcUrl());
  transport.onEvent(() => {});
  const result = (transport.call(command, input) as Promise<CommandOutput<C>>).finally(() => transport.close());
  return { result, cancel: () => transport.close() };
}
