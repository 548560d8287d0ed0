import { create } from 'zustand';
import type { EventView } from '../../src-shared/catalogue/views';
import { api } from '../api/client';
import { describeError } from '../api/errors';
import { appendLog } from '../db/schema';
import { formatBytes } from '../format';
import { describeWatchEvent, useFoldersStore } from './folders-store';

export type FeedLevel = 'debug' | 'info' | 'warn' | 'error';

/** One line of the live feed. Progress of one job updates its line instead of adding lines. */
export interface FeedEntry {
  key: string;
  time: number;
  level: FeedLevel;
  source: 'log' | 'job' | 'catalogue' | 'folder' | 'sync';
  text: string;
}

interface ActivityState {
  feed: FeedEntry[];
  audit: EventView[];
  auditCursor: string | null;
  auditLoaded: boolean;
  auditError: string | null;
  loadAudit(more?: boolean): Promise<void>;
}

const maxFeed = 500;

export const useActivityStore = create<ActivityState>((set, get) => ({
  feed: [],
  audit: [],
  auditCursor: null,
  auditLoaded: false,
  auditError: null,
  async loadAudit(more = false) {
    try {
      const cursor = more ? get().auditCursor : null;
      const page = await api['catalogue.events.list']({ limit: 100, ...(cursor ? { cursor } : {}) });
      set({ audit: more ? [...get().audit, ...page.items] : page.items, auditCursor: page.nextCursor, auditLoaded: true, auditError: null });
    } catch (err) {
      set({ auditLoaded: true, auditError: `The audit log could not be read: ${describeError(err)}` });
    }
  },
}));

function upsert(entry: FeedEntry): void {
  const feed = useActivityStore.getState().feed;
  const at = feed.findIndex((e) => e.key === entry.key);
  const next = at >= 0 ? [...feed.slice(0, at), entry, ...feed.slice(at + 1)] : [...feed.slice(-(maxFeed - 1)), entry];
  useActivityStore.setState({ feed: next });
}

let feedSeq = 0;

/** Subscribes the feed to the engine's events once, at start-up. */
export function connectActivityStore(): () => void {
  const stops = [
    api.on('engine.log', (line) => {
      upsert({ key: `log-${feedSeq++}`, time: Date.parse(line.time) || Date.now(), level: line.level, source: 'log', text: line.area ? `[${line.area}] ${line.message}` : line.message });
      void appendLog(line).catch(() => {});
    }),
    api.on('job.progress', (job) => {
      const bytes = job.bytesTotal !== undefined ? ` · ${formatBytes(job.bytesDone ?? 0)} of ${formatBytes(job.bytesTotal)}` : '';
      upsert({ key: `job-${job.jobId}`, time: Date.now(), level: 'info', source: 'job', text: `${job.kind} ${job.phase}: ${job.done} of ${job.total}${bytes}` });
    }),
    api.on('watch.activity', (event) => {
      const { level, text } = describeWatchEvent(event);
      const folder = useFoldersStore.getState().folders.find((f) => f.id === event.folderId);
      const path = (event as { path?: unknown }).path;
      // Progress of one file updates its line; everything else is a line of its own.
      const key = event.type === 'ingesting' && typeof path === 'string' ? `watch-${event.folderId}-${path}` : `watch-${feedSeq++}`;
      upsert({ key, time: Date.now(), level, source: 'folder', text: folder ? `${folder.path}: ${text}` : text });
    }),
    api.on('sync.changed', (round) => {
      const text = round.ok
        ? `Synced: ${round.applied} change(s) applied${round.held > 0 ? `, ${round.held} held for approval` : ''}${round.refused > 0 ? `, ${round.refused} refused` : ''}.`
        : `Sync failed: ${round.error ?? 'unknown error'}`;
      upsert({ key: `sync-${feedSeq++}`, time: Date.parse(round.at) || Date.now(), level: round.ok ? (round.refused > 0 ? 'warn' : 'info') : 'error', source: 'sync', text });
    }),
    api.on('catalogue.changed', (change) => {
      const what = change.truncated ? 'many artifacts' : `${change.artifactIds.length} artifact${change.artifactIds.length === 1 ? '' : 's'}`;
      upsert({ key: `cat-${feedSeq++}`, time: Date.now(), level: 'info', source: 'catalogue', text: `Catalogue changed (${change.origin}): ${what}` });
      // Keep the audit log current while someone looks at it.
      if (useActivityStore.getState().auditLoaded) void useActivityStore.getState().loadAudit();
    }),
  ];
  return () => stops.forEach((stop) => stop());
}
