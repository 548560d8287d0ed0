/**
 * Shared by the watcher tests: an in-memory publisher that records every call and computes
 * digests itself, an event recorder that can wait for an event, and a watcher factory with
 * short timings so tests run in seconds.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { WatchedFolder } from '../../../src-main/engine/watch/config';
import type { WatchEvent } from '../../../src-main/engine/watch/events';
import { FolderWatcher, type WatchTiming } from '../../../src-main/engine/watch/folder-watcher';
import type { PublishRequest, PublishedVersion, WatchPublisher } from '../../../src-main/engine/watch/publisher';

export const fastTiming: WatchTiming = {
  settleMs: 150,
  maxSettleMs: 5000,
  renameWindowMs: 1500,
  folderPollMs: 100,
  cacheSaveDelayMs: 50,
  writeBackTtlMs: 60_000,
};

export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

type Call =
  | { op: 'publish'; request: Omit<PublishRequest, 'onProgress'>; result: PublishedVersion | null; content: string }
  | { op: 'markDeleted'; artifactPath: string }
  | { op: 'rename'; from: string; to: string };

/**
 * Records calls and keeps a linear history per artifact path. Like the real catalogue it makes
 * no version when the content equals the artifact's latest, and history follows renames.
 */
export class FakePublisher implements WatchPublisher {
  readonly calls: Call[] = [];
  private readonly latest = new Map<string, string>();
  private counter = 0;
  /** Set to make the next publish calls throw this. */
  failWith: unknown = null;

  async publish(request: PublishRequest): Promise<PublishedVersion | null> {
    if (this.failWith) throw this.failWith;
    const { onProgress: _onProgress, ...recorded } = request;
    const { digest, content } = request.kind === 'bundle' ? await digestBundle(request.absolutePath, request.bundleFiles ?? []) : await digestFile(request.absolutePath);
    const key = `${request.folderId}:${request.artifactPath}`;
    const result = this.latest.get(key) === digest ? null : { versionId: `v${++this.counter}`, sha256: digest };
    if (result) this.latest.set(key, digest);
    this.calls.push({ op: 'publish', request: recorded, result, content });
    return result;
  }

  async markDeleted(request: { folderId: string; artifactPath: string }): Promise<void> {
    this.calls.push({ op: 'markDeleted', artifactPath: request.artifactPath });
  }

  async rename(request: { folderId: string; from: string; to: string }): Promise<void> {
    const fromKey = `${request.folderId}:${request.from}`;
    const digest = this.latest.get(fromKey);
    this.latest.delete(fromKey);
    if (digest) this.latest.set(`${request.folderId}:${request.to}`, digest);
    this.calls.push({ op: 'rename', from: request.from, to: request.to });
  }

  published(artifactPath?: string): Extract<Call, { op: 'publish' }>[] {
    return this.calls.filter((c): c is Extract<Call, { op: 'publish' }> => c.op === 'publish' && (artifactPath === undefined || c.request.artifactPath === artifactPath));
  }

  /** Publishes that made a version (not "identical content"). */
  versions(artifactPath?: string): Extract<Call, { op: 'publish' }>[] {
    return this.published(artifactPath).filter((c) => c.result !== null);
  }

  ops(op: Call['op']): Call[] {
    return this.calls.filter((c) => c.op === op);
  }
}

async function digestFile(file: string): Promise<{ digest: string; content: string }> {
  const bytes = await fs.readFile(file);
  return { digest: sha256(bytes), content: bytes.toString('utf8') };
}

/** A bundle's digest for the fake: sorted (path, sha256) lines of the files it was given. */
async function digestBundle(folder: string, files: readonly string[]): Promise<{ digest: string; content: string }> {
  const lines: string[] = [];
  for (const file of files) lines.push(`${file} ${sha256(await fs.readFile(path.join(folder, ...file.split('/'))))}`);
  lines.sort();
  return { digest: sha256(lines.join('\n')), content: lines.join('\n') };
}

export class EventLog {
  readonly events: WatchEvent[] = [];
  private readonly waiters = new Set<{ match: (e: WatchEvent) => boolean; resolve: (e: WatchEvent) => void }>();

  readonly sink = (event: WatchEvent): void => {
    this.events.push(event);
    for (const waiter of this.waiters) {
      if (waiter.match(event)) {
        this.waiters.delete(waiter);
        waiter.resolve(event);
      }
    }
  };

  /** Resolves with the first event (already seen, or future) that matches; fails after `timeoutMs`. */
  waitFor<T extends WatchEvent['type']>(type: T, match: (e: Extract<WatchEvent, { type: T }>) => boolean = () => true, timeoutMs = 20_000): Promise<Extract<WatchEvent, { type: T }>> {
    const predicate = (e: WatchEvent): boolean => e.type === type && match(e as Extract<WatchEvent, { type: T }>);
    const seen = this.events.find(predicate);
    if (seen) return Promise.resolve(seen as Extract<WatchEvent, { type: T }>);
    return new Promise((resolve, reject) => {
      const waiter = {
        match: predicate,
        resolve: (e: WatchEvent) => {
          clearTimeout(timer);
          resolve(e as Extract<WatchEvent, { type: T }>);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no "${type}" event matched within ${timeoutMs} ms; saw: ${JSON.stringify(this.events.slice(-15))}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  of<T extends WatchEvent['type']>(type: T): Extract<WatchEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<WatchEvent, { type: T }> => e.type === type);
  }

  clear(): void {
    this.events.length = 0;
  }
}

export function folderSettings(folderPath: string, overrides: Partial<WatchedFolder> = {}): WatchedFolder {
  return { id: 'wf-test', path: folderPath, collection: 'test', mode: 'auto-publish', bundles: false, typeRules: [], paused: false, ...overrides };
}

export function newWatcher(options: { folder: WatchedFolder; statCachePath: string; publisher: WatchPublisher; log: EventLog; timing?: Partial<WatchTiming>; extraIgnoreRules?: string[] }): FolderWatcher {
  return new FolderWatcher({
    folder: options.folder,
    statCachePath: options.statCachePath,
    publisher: options.publisher,
    onEvent: options.log.sink,
    timing: { ...fastTiming, ...options.timing },
    extraIgnoreRules: options.extraIgnoreRules,
  });
}

/**
 * Resolves once the watcher has had nothing settling, ingesting or waiting in the rename window
 * for a few settle periods in a row: the way to assert that something did NOT happen.
 */
export async function waitForIdle(watcher: FolderWatcher, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietChecks = 0;
  while (quietChecks < 4) {
    if (Date.now() > deadline) throw new Error(`watcher still busy after ${timeoutMs} ms: ${JSON.stringify(watcher.activity)}`);
    await delay(fastTiming.settleMs);
    const { settling, ingesting, pendingDeletes } = watcher.activity;
    quietChecks = settling + ingesting + pendingDeletes === 0 ? quietChecks + 1 : 0;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Writes like the engine's write-back does: a temp file beside the target, then rename. */
export async function writeAtomically(file: string, content: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.cairn-${Math.random().toString(16).slice(2, 14)}`);
  await fs.writeFile(temp, content);
  await fs.rename(temp, file);
}
