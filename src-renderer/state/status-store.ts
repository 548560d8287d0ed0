import { create } from 'zustand';
import type { CommandOutput } from '../../src-shared/contract';
import { api, onConnectionState } from '../api/client';
import type { ConnectionState } from '../api/websocket-transport';

type Status = CommandOutput<'engine.status'>;

interface StatusState {
  connection: ConnectionState;
  status: Status | null;
  error: string | null;
  refresh(): Promise<void>;
}

export const useStatusStore = create<StatusState>((set) => ({
  connection: 'connecting',
  status: null,
  error: null,
  async refresh() {
    try {
      set({ status: await api['engine.status']({}), error: null });
    } catch (err) {
      set({ error: err instanceof Error ? err.message : String(err) });
    }
  },
}));

/** Subscribes the store to the engine once, at start-up. */
export function connectStatusStore(): () => void {
  const stopState = onConnectionState((connection) => {
    useStatusStore.setState({ connection });
    if (connection === 'open') void useStatusStore.getState().refresh();
    if (connection === 'unauthorized') {
      useStatusStore.setState({ error: 'The engine refused this page: the access token is missing or stale. Open the URL that `cairn serve` printed.' });
    }
  });
  const timer = setInterval(() => {
    if (useStatusStore.getState().connection === 'open') void useStatusStore.getState().refresh();
  }, 5000);
  return () => {
    stopState();
    clearInterval(timer);
  };
}
