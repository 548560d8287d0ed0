import { useRef } from 'react';
import { useNavigationStore, viewNames, type ViewName } from '../state/navigation-store';

export const viewTitles: Record<ViewName, string> = {
  library: 'Library',
  folders: 'Folders',
  endpoints: 'Endpoints & Backup',
  activity: 'Activity',
  settings: 'Settings',
};

/** The main navigation; arrow keys move between its links, as in any menu. */
export function Sidebar() {
  const { view, go } = useNavigationStore();
  const refs = useRef<(HTMLAnchorElement | null)[]>([]);
  const move = (from: number, by: number) => refs.current[(from + by + viewNames.length) % viewNames.length]?.focus();
  return (
    <nav className="sidebar" aria-label="Main">
      <ul>
        {viewNames.map((name, index) => (
          <li key={name}>
            <a
              ref={(el) => {
                refs.current[index] = el;
              }}
              href={`#/${name}`}
              aria-current={view === name ? 'page' : undefined}
              onClick={(event) => {
                event.preventDefault();
                go(name);
              }}
              onKeyDown={(event) => {
                if (event.key === 'ArrowDown') move(index, 1);
                else if (event.key === 'ArrowUp') move(index, -1);
                else return;
                event.preventDefault();
              }}
            >
              {viewTitles[name]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
