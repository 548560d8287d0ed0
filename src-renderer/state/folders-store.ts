import { create } from 'zustand';
import type { CommandInput, CommandOutput, EventPayload } from '../../src-shared/contract';
import { api } from '../api/client';
import { describeError } from '../api/errors';
import { formatBytes, formatDuration } from '../format';
import { notify } from './notices-store';

export type WatchedFolder = CommandOutput<'watch.list'>['folders'][number];
export type NewFolder = CommandInput<'watch.add'>;
export type FolderPatch = Omit<CommandInput<'watch.update'>, 'id'>;
type WatchEvent = EventPayload<'watch.activity'>;

/** One line of a folder's activity, said for people. */
export interface FolderActivity {
  key: number;
  time: number;
  level: 'info' | 'warn' | 'error';
  text: string;
  /** The file it is about, for folding the steps of one file into one line. */
  path?: string;
}

/** Steps of a file that its next step replaces (queued → storing → new version). */
const transient = new Set(['queued', 'ingesting']);

interface FoldersState {
  folders: WatchedFolder[];
  /** All watching paused (until resume or restart). */
  allPaused: boolean;
  loaded: boolean;
  error: string | null;
  activity: Record<string, FolderActivity[]>;
  load(): Promise<void>;
  add(folder: NewFolder): Promise<WatchedFolder>;
  update(id: string, patch: FolderPatch): Promise<void>;
  remove(id: string): Promise<void>;
  setPaused(id: string | null, paused: boolean): Promise<void>;
}

const keptPerFolder = 100;
let activitySeq = 0;
/** Lines of transient steps, replaced by the same file's next line. */
const transientKeys = new Set<number>();

export const useFoldersStore = create<FoldersState>((set, get) => ({
  folders: [],
  allPaused: false,
  loaded: false,
  error: null,
  activity: {},

  async load() {
    try {
      const { folders, paused } = await api['watch.list']({});
      set({ folders, allPaused: paused, loaded: true, error: null });
    } catch (err) {
      set({ loaded: true, error: `Watched folders could not be listed: ${describeError(err)}` });
    }
  },

  async add(folder) {
    const added = await api['watch.add'](folder);
    notify('success', `Watching ${added.path}. Its files appear in the Library as they are stored.`);
    await get().load();
    return added;
  },

  async update(id, patch) {
    await api['watch.update']({ id, ...patch });
    notify('success', 'Folder settings saved.');
    await get().load();
  },

  async remove(id) {
    await api['watch.remove']({ id });
    notify('info', 'The folder is no longer watched. Its history stays in the Library.');
    await get().load();
  },

  async setPaused(id, paused) {
    try {
      const input = id === null ? {} : { id };
      if (paused) await api['watch.pause'](input);
      else await api['watch.resume'](input);
    } catch (err) {
      notify('error', `Could not ${paused ? 'pause' : 'resume'}: ${describeError(err)}`);
    }
    await get().load();
  },
}));

function field(event: WatchEvent, name: string): string {
  const value = (event as Record<string, unknown>)[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** The watcher's event (src-main/engine/watch/events.ts) as a line for the folder's activity. */
export function describeWatchEvent(event: WatchEvent): Pick<FolderActivity, 'level' | 'text'> {
  const path = field(event, 'path');
  const hint = field(event, 'hint');
  const number = (name: string) => Number((event as Record<string, unknown>)[name] ?? 0);
  switch (event.type) {
    case 'ready':
      return { level: 'info', text: `Watching (ready in ${formatDuration(number('readyMs'))}).` };
    case 'reconciled': {
      const report = (event as { report?: Record<string, number> }).report ?? {};
      return { level: 'info', text: `Scanned ${report.scanned ?? 0} files: ${report.scheduled ?? 0} new or changed, ${report.unchanged ?? 0} unchanged, ${report.missing ?? 0} missing.` };
    }
    case 'queued':
      return { level: 'info', text: `Queued ${path}.` };
    case 'ingesting':
      return { level: 'info', text: `Storing ${path}${event.bytesTotal !== undefined ? ` (${formatBytes(number('bytesDone'))} of ${formatBytes(number('bytesTotal'))})` : ''}.` };
    case 'published':
      return { level: 'info', text: `New version of ${path}.` };
    case 'skipped':
      return { level: 'info', text: `Skipped ${path}: ${field(event, 'reason').replace(/-/g, ' ')}${field(event, 'detail') ? ` (${field(event, 'detail')})` : ''}.` };
    case 'unsettled':
      return { level: 'warn', text: `${path} keeps changing; waiting for it to settle (${formatDuration(number('waitedMs'))} so far).` };
    case 'blocked':
      return { level: 'error', text: `${path} was not stored: ${field(event, 'message')}${hint ? ` ${hint}` : ''}` };
    case 'error':
      return { level: 'error', text: `${path ? `${path}: ` : ''}${field(event, 'message')}${hint ? ` ${hint}` : ''}` };
    case 'renamed':
      return { level: 'info', text: `Renamed ${field(event, 'from')} → ${field(event, 'to')}.` };
    case 'deleted':
      return { level: 'info', text: `${path} was deleted; its history stays (marked deleted).` };
    case 'folder-missing':
      return { level: 'error', text: `The folder ${field(event, 'folderPath')} is missing. Watching resumes when it is back.` };
    case 'folder-back':
      return { level: 'info', text: `The folder ${field(event, 'folderPath')} is back.` };
    case 'paused':
      return { level: 'info', text: 'Paused.' };
    case 'resumed':
      return { level: 'info', text: 'Resumed; changes made meanwhile are caught up.' };
    default:
      return { level: 'info', text: `${event.type}${path ? ` ${path}` : ''}` };
  }
}

/** States worth re-reading the folder list for (the card shows the watcher's state). */
const stateChanges = new Set(['ready', 'folder-missing', 'folder-back', 'paused', 'resumed', 'error']);

/** Subscribes to `watch.activity` once, at start-up. */
export function connectFoldersStore(): () => void {
  let reload: ReturnType<typeof setTimeout> | null = null;
  const stop = api.on('watch.activity', (event) => {
    const rawPath: unknown = (event as { path?: unknown }).path;
    const path = typeof rawPath === 'string' ? rawPath : undefined;
    const line: FolderActivity = { key: activitySeq++, time: Date.now(), ...describeWatchEvent(event), ...(path ? { path } : {}) };
    const activity = useFoldersStore.getState().activity;
    const previous = (activity[event.folderId] ?? []).filter((a) => !(path && a.path === path && transientKeys.has(a.key)));
    if (transient.has(event.type)) transientKeys.add(line.key);
    useFoldersStore.setState({ activity: { ...activity, [event.folderId]: [...previous.slice(-(keptPerFolder - 1)), line] } });
    if (stateChanges.has(event.type) && useFoldersStore.getState().loaded && reload === null) {
      reload = setTimeout(() => {
        reload = null;
        void useFoldersStore.getState().load();
      }, 300);
    }
  });
  return () => {
    stop();
    if (reload) clearTimeout(reload);
  };
}
