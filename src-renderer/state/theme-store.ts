import { create } from 'zustand';

export type ThemePreference = 'system' | 'light' | 'dark';

const storageKey = 'cairn.theme';

function readPreference(): ThemePreference {
  const stored = localStorage.getItem(storageKey);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

/** Follows the OS (prefers-color-scheme) unless the person picked one in Settings. */
function applyTheme(preference: ThemePreference): void {
  if (preference === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = preference;
}

interface ThemeState {
  preference: ThemePreference;
  setPreference(preference: ThemePreference): void;
}

export const useThemeStore = create<ThemeState>((set) => ({
  preference: readPreference(),
  setPreference(preference) {
    if (preference === 'system') localStorage.removeItem(storageKey);
    else localStorage.setItem(storageKey, preference);
    applyTheme(preference);
    set({ preference });
  },
}));

applyTheme(useThemeStore.getState().preference);
