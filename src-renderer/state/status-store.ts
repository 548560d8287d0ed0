import { create } from 'zustand';
import type { CommandOutput, EventPayload } from '../../src-shared/contract';
import { api, onConnectionState } from '../api/client';
import type { ConnectionState } from '../api/websocket-transport';
import { appendLog } from '../db/schema';

type Status = CommandOutput<'engine.status'>;
type LogLine = EventPayload<'engine.log'>;

interface StatusState {
  connection: ConnectionState;
  status: Status | null;
  error: string | null;
  logs: LogLine[];
  refresh(): Promise<void>;
}

const maxLogLines = 500;

export const useStatusStore = create<StatusState>((set) => ({
  connection: 'connecting',
  status: null,
  error: null,
  logs: [],
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
  const stopLogs = api.on('engine.log', (line) => {
    useStatusStore.setState((state) => ({ logs: [...state.logs.slice(-(maxLogLines - 1)), line] }));
    void appendLog(line).catch(() => {});
  });
  const timer = setInterval(() => {
    if (useStatusStore.getState().connection === 'open') void useStatusStore.getState().refresh();
  }, 5000);
  return () => {
    stopState();
    stopLogs();
    clearInterval(timer);
  };
}
