/**
 * Crash points: named places in the write paths where the crash suite (test/reliability) kills
 * the process to prove that a crash at that instant loses nothing committed and leaves nothing
 * half-written in sight. In normal runs `crashPoint` does nothing but compare a name.
 *
 * `CAIRN_CRASH_AT=<name>` kills the process the first time that point is reached;
 * `CAIRN_CRASH_AT=<name>:<N>` the N-th time. The kill is SIGKILL sent to the process itself:
 * no `finally`, no exit handler, no buffered write runs after it, exactly like a power cut as
 * far as the process is concerned (the OS still has what was written; fsync decides what
 * survives a real power cut).
 */
export const crashPointNames = [
  // The durable write of every object of a folder repository (backends/durable-file-write.ts).
  'durable-write.temp-created',
  'durable-write.temp-written',
  'durable-write.before-publish',
  'durable-write.after-publish',
  // Packs and the index segment that makes their blobs reachable (repo/).
  'pack-writer.before-pack-put',
  'pack-writer.after-pack-put',
  'repository.before-index-segment',
  'repository.after-index-segment',
  // Repository creation: key file written, config not yet.
  'repository.init.after-keys',
  // The manifest: one update object per commit, and compaction (manifest/store.ts).
  'manifest.before-update-put',
  'manifest.after-update-put',
  'manifest.compact.before-snapshot-put',
  'manifest.compact.after-snapshot-put',
  'manifest.compact.after-covered-delete',
  // Garbage collection (gc/collector.ts, repository.rewriteIndex).
  'gc.after-repack-flush',
  'repository.rewrite-index.after-new-segments',
  'repository.rewrite-index.after-old-segment-delete',
  'gc.after-index-rewrite',
  'gc.after-pack-delete',
  // Backup to an endpoint (replicate/backup.ts).
  'backup.after-object-copied',
  'backup.between-ranks',
  // Restore into a folder (restore/restorer.ts): the file is complete under its temp name.
  'restore.before-rename',
  // Taking over a stale repository lock (lock/repository-lock.ts).
  'lock.takeover.after-move-aside',
  'lock.after-acquire',
] as const;

export type CrashPointName = (typeof crashPointNames)[number];

/** The environment variable that arms a crash point. */
export const crashAtVariable = 'CAIRN_CRASH_AT';

interface ArmedPoint {
  name: string;
  /** Kill on this hit (1-based). */
  hit: number;
}

const hits = new Map<string, number>();
let armedFor: string | undefined;
let armed: ArmedPoint | null = null;

/**
 * Kills this process with SIGKILL when `CAIRN_CRASH_AT` names this point (and this is the
 * chosen hit); otherwise returns at once.
 */
export function crashPoint(name: CrashPointName): void {
  const point = armedPoint();
  if (!point || point.name !== name) return;
  const count = (hits.get(name) ?? 0) + 1;
  hits.set(name, count);
  if (count === point.hit) process.kill(process.pid, 'SIGKILL');
}

/**
 * Parses `name` or `name:N`. Returns null for an unset variable; throws for a name that is not
 * a crash point, so a misspelt test fails loudly instead of never crashing.
 */
export function parseCrashAt(value: string | undefined): ArmedPoint | null {
  const text = value?.trim();
  if (!text) return null;
  const match = /^([a-z0-9.-]+)(?::(\d+))?$/.exec(text);
  const name = match?.[1];
  if (!name || !(crashPointNames as readonly string[]).includes(name)) {
    throw new Error(`${crashAtVariable}="${text}" does not name a crash point (known: ${crashPointNames.join(', ')}).`);
  }
  const hit = match[2] === undefined ? 1 : Number(match[2]);
  if (!Number.isSafeInteger(hit) || hit < 1) throw new Error(`${crashAtVariable}="${text}": the hit number must be 1 or more.`);
  return { name, hit };
}

function armedPoint(): ArmedPoint | null {
  const value = process.env[crashAtVariable];
  // Parsed once per value: the write paths call this often.
  if (value !== armedFor) {
    armedFor = value;
    armed = parseCrashAt(value);
    hits.clear();
  }
  return armed;
}
