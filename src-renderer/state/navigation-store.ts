import { create } from 'zustand';

export const viewNames = ['library', 'folders', 'endpoints', 'activity', 'settings'] as const;
export type ViewName = (typeof viewNames)[number];

export interface Route {
  view: ViewName;
  /** The open artifact (Library only). */
  artifactId: string | null;
}

/** `#/library`, `#/library/<artifactId>`, `#/endpoints`, … so reloads and Back keep the place. */
export function parseHash(hash: string): Route {
  const [view, artifactId] = hash.replace(/^#\/?/, '').split('/');
  const known = (viewNames as readonly string[]).includes(view ?? '') ? (view as ViewName) : 'library';
  return { view: known, artifactId: known === 'library' && artifactId ? decodeURIComponent(artifactId) : null };
}

export function formatHash(route: Route): string {
  return route.artifactId ? `#/${route.view}/${encodeURIComponent(route.artifactId)}` : `#/${route.view}`;
}

interface NavigationState extends Route {
  go(view: ViewName): void;
  openArtifact(artifactId: string): void;
  closeArtifact(): void;
}

export const useNavigationStore = create<NavigationState>((set) => {
  const navigate = (route: Route) => {
    set(route);
    const hash = formatHash(route);
    if (window.location.hash !== hash) window.history.pushState(null, '', hash);
  };
  return {
    ...parseHash(window.location.hash),
    go: (view) => navigate({ view, artifactId: null }),
    openArtifact: (artifactId) => navigate({ view: 'library', artifactId }),
    closeArtifact: () => navigate({ view: 'library', artifactId: null }),
  };
});

/** Follows Back and Forward (and hand-edited addresses). */
export function connectNavigation(): () => void {
  const onPop = () => useNavigationStore.setState(parseHash(window.location.hash));
  window.addEventListener('popstate', onPop);
  return () => window.removeEventListener('popstate', onPop);
}
