import type { KeyboardEvent } from 'react';

interface ListKeyboard {
  count: number;
  active: number;
  setActive(index: number): void;
  onOpen?(index: number): void;
  /** Rows moved by PageUp / PageDown. */
  pageSize?: number;
}

/** Arrow keys, Home/End and PageUp/PageDown move through a list; Enter opens the active item. */
export function listKeyDown({ count, active, setActive, onOpen, pageSize = 10 }: ListKeyboard) {
  return (event: KeyboardEvent) => {
    if (count === 0) return;
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + pageSize,
      PageUp: active - pageSize,
      Home: 0,
      End: count - 1,
    };
    const target = moves[event.key];
    if (target !== undefined) {
      event.preventDefault();
      setActive(Math.max(0, Math.min(count - 1, target)));
    } else if (event.key === 'Enter' && onOpen) {
      event.preventDefault();
      onOpen(active);
    }
  };
}
