import { create } from 'zustand';

export type NoticeKind = 'info' | 'success' | 'error';

export interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}

/** Short messages after an action. Errors stay until dismissed: failures are never silent. */
interface NoticesState {
  notices: Notice[];
  push(kind: NoticeKind, text: string): void;
  dismiss(id: number): void;
}

let nextId = 1;
const infoLifetimeMs = 4000;

export const useNoticesStore = create<NoticesState>((set, get) => ({
  notices: [],
  push(kind, text) {
    const id = nextId++;
    set({ notices: [...get().notices.slice(-2), { id, kind, text }] });
    if (kind !== 'error') setTimeout(() => get().dismiss(id), infoLifetimeMs);
  },
  dismiss(id) {
    set({ notices: get().notices.filter((n) => n.id !== id) });
  },
}));

export const notify = (kind: NoticeKind, text: string) => useNoticesStore.getState().push(kind, text);
