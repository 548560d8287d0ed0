import { useEffect } from 'react';
import { Notices } from './components/Notices';
import { startReplica } from './replica/manifest-replica';
import { ConnectionBadge } from './shell/ConnectionBadge';
import { EngineAlert } from './shell/EngineAlert';
import { SearchBox } from './shell/SearchBox';
import { Sidebar } from './shell/Sidebar';
import { connectActivityStore } from './state/activity-store';
import { connectEndpointJobs } from './state/endpoints-store';
import { connectFoldersStore } from './state/folders-store';
import { connectJobsStore } from './state/jobs-store';
import { connectNavigation, useNavigationStore } from './state/navigation-store';
import { connectStatusStore } from './state/status-store';
import { ActivityView } from './views/activity/ActivityView';
import { ArtifactView } from './views/artifact/ArtifactView';
import { EndpointsView } from './views/endpoints/EndpointsView';
import { FoldersView } from './views/folders/FoldersView';
import { LibraryView } from './views/library/LibraryView';
import { SettingsView } from './views/settings/SettingsView';

function CurrentView() {
  const { view, artifactId } = useNavigationStore();
  switch (view) {
    case 'library':
      return artifactId ? <ArtifactView artifactId={artifactId} /> : <LibraryView />;
    case 'folders':
      return <FoldersView />;
    case 'endpoints':
      return <EndpointsView />;
    case 'activity':
      return <ActivityView />;
    case 'settings':
      return <SettingsView />;
  }
}

export function App() {
  useEffect(() => {
    const stops = [connectStatusStore(), connectNavigation(), connectJobsStore(), connectEndpointJobs(), connectActivityStore(), connectFoldersStore(), startReplica()];
    return () => stops.forEach((stop) => stop());
  }, []);
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Cairn</span>
        <SearchBox />
        <ConnectionBadge />
      </header>
      <Sidebar />
      <main id="main">
        <EngineAlert />
        <CurrentView />
      </main>
      <Notices />
    </div>
  );
}
