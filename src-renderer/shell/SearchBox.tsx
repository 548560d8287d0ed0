import { useEffect, useRef, useState } from 'react';
import { useLibraryStore } from '../state/library-store';
import { useNavigationStore } from '../state/navigation-store';

const searchDelayMs = 120;

/** The global search: it searches the Library (name, tag, type, sha256 prefix). `/` focuses it. */
export function SearchBox() {
  const text = useLibraryStore((s) => s.query.text);
  const setQuery = useLibraryStore((s) => s.setQuery);
  const [draft, setDraft] = useState(text);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => setDraft(text), [text]);
  useEffect(() => {
    if (draft === text) return;
    const timer = setTimeout(() => setQuery({ text: draft }), searchDelayMs);
    return () => clearTimeout(timer);
  }, [draft, text, setQuery]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable="true"], dialog')) return;
      event.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <form className="search" role="search" onSubmit={(event) => event.preventDefault()}>
      <label htmlFor="global-search" className="visually-hidden">
        Search the library
      </label>
      <input
        id="global-search"
        ref={input}
        type="search"
        placeholder="Search name, tag, type or sha256…  ( / )"
        value={draft}
        onChange={(event) => {
          setDraft(event.target.value);
          // Typing shows the Library at once (not when the debounce fires, which could close an
          // artifact opened in between).
          const nav = useNavigationStore.getState();
          if (nav.view !== 'library' || nav.artifactId) nav.closeArtifact();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && draft) {
            event.preventDefault();
            setDraft('');
          }
        }}
        autoComplete="off"
        spellCheck={false}
      />
    </form>
  );
}
