import type { RetentionPolicy } from '../../../src-shared/catalogue/retention-policy';
import type { VersionRecord } from '../../../src-shared/catalogue/records';
import type { ForgetItem } from '../../../src-shared/catalogue/views';
import type { Catalogue } from '../catalogue/catalogue';

/**
 * Retention (DESIGN.md 6): which versions policies forget, as a preview first; applying writes
 * tombstones (undoable with Catalogue.restoreVersions until garbage collection).
 *
 * For every live artifact that at least one policy applies to (by collection and/or type), a
 * live version is forgotten only when every applicable policy lets it go: none of its rules keeps
 * it, and it is not published (unless that policy says `force`). The head is always kept.
 * Periods are UTC days, ISO weeks and calendar months.
 */
export function previewRetention(catalogue: Catalogue, policies: readonly RetentionPolicy[], now: number): ForgetItem[] {
  const index = catalogue.index;
  const items: ForgetItem[] = [];
  for (const { entry, claim } of catalogue.allArtifacts()) {
    if (index.artifactTombstone(entry.id)) continue;
    const type = index.typeOf(entry);
    const applicable = policies.filter((p) => (p.collection === undefined || p.collection === claim.collection) && (p.type === undefined || p.type === type));
    if (applicable.length === 0) continue;
    const head = index.head(entry);
    const newestFirst = entry.versions.all.filter((v) => !index.versionTombstone(v.id)).reverse();
    const kept = applicable.map((policy) => keptBy(policy, newestFirst, now));
    for (const version of newestFirst) {
      if (version.id === head?.id) continue;
      const published = index.statusOf(version.id) === 'published';
      const letsGo = applicable.every((policy, i) => !kept[i]?.has(version.id) && (!published || policy.force));
      if (!letsGo) continue;
      items.push({
        versionId: version.id,
        artifactId: entry.id,
        artifact: `${claim.collection}/${claim.name}`,
        number: entry.versions.indexOf(version) + 1,
        createdAt: version.createdAt,
        size: version.size,
        reason: describe(applicable[0] as RetentionPolicy),
      });
    }
  }
  return items.sort((a, b) => (a.artifact !== b.artifact ? (a.artifact < b.artifact ? -1 : 1) : a.number - b.number));
}

/** Forgets what previewRetention selects (at `now`); returns the same list. */
export async function applyRetention(catalogue: Catalogue, policies: readonly RetentionPolicy[], now: number): Promise<ForgetItem[]> {
  const items = previewRetention(catalogue, policies, now);
  if (items.length > 0) await catalogue.forgetVersions(items.map((item) => item.versionId), 'retention policy');
  return items;
}

/**
 * The trees garbage collection must keep: those of every version that is not deleted, plus
 * deleted ones whose tombstone is younger than `graceMs` (so a deletion can still be undone).
 */
export function liveTreeIds(catalogue: Catalogue, options: { graceMs: number; now: number }): Set<string> {
  const index = catalogue.index;
  const cutoff = options.now - options.graceMs;
  const live = new Set<string>();
  for (const version of index.allVersions()) {
    const deletedAt = index.deletedAt(version);
    if (deletedAt === null || deletedAt > cutoff) live.add(version.treeId);
  }
  return live;
}

function keptBy(policy: RetentionPolicy, newestFirst: readonly VersionRecord[], now: number): Set<string> {
  const kept = new Set<string>();
  newestFirst.slice(0, policy.keepLast ?? 0).forEach((v) => kept.add(v.id));
  for (const [count, bucketOf] of [
    [policy.keepDaily, dayOf],
    [policy.keepWeekly, isoWeekOf],
    [policy.keepMonthly, monthOf],
  ] as const) {
    if (count === undefined) continue;
    const buckets = new Set<string>();
    for (const version of newestFirst) {
      const bucket = bucketOf(version.createdAt);
      if (buckets.has(bucket)) continue;
      if (buckets.size >= count) break;
      buckets.add(bucket);
      kept.add(version.id);
    }
  }
  if (policy.expireAfter !== undefined) for (const v of newestFirst) if (v.createdAt > now - policy.expireAfter) kept.add(v.id);
  return kept;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);

function isoWeekOf(ms: number): string {
  const date = new Date(ms);
  const day = (date.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - day + 3);
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function describe(policy: RetentionPolicy): string {
  const rules: string[] = [];
  if (policy.keepLast !== undefined) rules.push(`not among the newest ${policy.keepLast}`);
  if (policy.keepDaily !== undefined) rules.push(`not the newest of the last ${policy.keepDaily} day(s) with versions`);
  if (policy.keepWeekly !== undefined) rules.push(`not the newest of the last ${policy.keepWeekly} week(s) with versions`);
  if (policy.keepMonthly !== undefined) rules.push(`not the newest of the last ${policy.keepMonthly} month(s) with versions`);
  if (policy.expireAfter !== undefined) rules.push(`older than ${formatDuration(policy.expireAfter)}`);
  const scope = [policy.collection && `collection "${policy.collection}"`, policy.type && `type "${policy.type}"`].filter(Boolean).join(', ') || 'all artifacts';
  return `${rules.join('; ')} (policy for ${scope}${policy.force ? ', forced' : ''})`;
}

function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['w', 7 * 86_400_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
