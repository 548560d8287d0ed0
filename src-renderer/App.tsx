import { useEffect } from 'react';
import { transportKind } from './api/client';
import { connectStatusStore, useStatusStore } from './state/status-store';
import { StatusView } from './views/StatusView';

export function App() {
  const connection = useStatusStore((s) => s.connection);
  useEffect(() => connectStatusStore(), []);
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Cairn</span>
        <span className={`connection connection-${connection}`} aria-live="polite">
          {transportKind === 'ipc' ? 'desktop' : 'browser'} · {connection}
        </span>
      </header>
      <main>
        <StatusView />
      </main>
    </div>
  );
}
