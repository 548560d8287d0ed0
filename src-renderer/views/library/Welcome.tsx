import { useEffect } from 'react';
import { useEndpointsStore } from '../../state/endpoints-store';
import { useFoldersStore } from '../../state/folders-store';
import { useNavigationStore } from '../../state/navigation-store';

/** The first start: what Cairn is for, and the two things to do before anything else. */
export function Welcome({ onAdd }: { onAdd: () => void }) {
  const go = useNavigationStore((s) => s.go);
  const { endpoints, loaded, load } = useEndpointsStore();
  const folderCount = useFoldersStore((s) => s.folders.length);
  const foldersLoaded = useFoldersStore((s) => s.loaded);
  const loadFolders = useFoldersStore((s) => s.load);
  useEffect(() => {
    if (!loaded) void load();
    if (!foldersLoaded) void loadFolders();
  }, [loaded, load, foldersLoaded, loadFolders]);
  const hasEndpoint = endpoints.length > 0;
  const hasFolder = folderCount > 0;
  return (
    <section className="welcome" aria-labelledby="welcome-heading" data-testid="welcome">
      <h2 id="welcome-heading">Welcome to Cairn</h2>
      <p>Cairn keeps every version of your files on this device and backs them up to any S3-compatible storage. Two first steps:</p>
      <ol className="steps">
        <li className={hasFolder ? 'step-done' : undefined}>
          <h3>Add a folder {hasFolder && <span className="done-mark">✓ watching {folderCount}; files appear here as they are stored</span>}</h3>
          <p>Every file in it becomes an artifact; each change becomes a new version you can browse and roll back to.</p>
          <div className="actions">
            <button type="button" className={hasFolder ? undefined : 'primary'} onClick={() => go('folders')}>
              {hasFolder ? 'See folders' : 'Add a folder'}
            </button>
            <button type="button" onClick={onAdd}>
              Add one file or folder now
            </button>
          </div>
        </li>
        <li className={hasEndpoint ? 'step-done' : undefined}>
          <h3>Add an endpoint {hasEndpoint && <span className="done-mark">✓ done</span>}</h3>
          <p>An S3-compatible bucket (AWS, MinIO, Swift, …) where one click backs everything up.</p>
          <div className="actions">
            <button type="button" className={hasEndpoint ? undefined : 'primary'} onClick={() => go('endpoints')}>
              {hasEndpoint ? 'See endpoints' : 'Add an endpoint'}
            </button>
          </div>
        </li>
      </ol>
    </section>
  );
}
