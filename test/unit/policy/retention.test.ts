import { describe, expect, it } from 'vitest';
import { retentionPolicySchema, type RetentionPolicyInput } from '../../../src-shared/catalogue/retention-policy';
import { applyRetention, liveTreeIds, previewRetention } from '../../../src-main/engine/policy/retention';
import { contentOf, makeCatalogue, manualClock } from '../catalogue/harness';

const day = 86_400_000;
const policy = (input: RetentionPolicyInput) => retentionPolicySchema.parse(input);

/** `models/m.gguf` gets one version per listed day offset (from 2025-01-01), oldest first. */
async function history(days: number[], options: { collection?: string; name?: string } = {}) {
  const clock = manualClock(Date.UTC(2025, 0, 1));
  const catalogue = makeCatalogue({ now: clock.now });
  const start = clock.now();
  for (const [i, offset] of days.entries()) {
    clock.set(start + offset * day);
    await catalogue.addVersion({ collection: options.collection ?? 'models', name: options.name ?? 'm.gguf', ...contentOf(`v${i}`, 100 + i) });
  }
  return { catalogue, clock, start };
}

const numbers = (items: { number: number }[]) => items.map((i) => i.number);

describe('retention', () => {
  it('keepLast keeps the newest N, forgets the rest, with a reason', async () => {
    const { catalogue, clock } = await history([0, 1, 2, 3, 4]);
    const items = previewRetention(catalogue, [policy({ collection: 'models', keepLast: 2 })], clock.now());
    expect(numbers(items)).toEqual([1, 2, 3]);
    expect(items[0]).toMatchObject({ artifact: 'models/m.gguf', size: 100, reason: 'not among the newest 2 (policy for collection "models")' });
  });

  it('keepDaily keeps the newest version of each of the last N days that have versions', async () => {
    const { catalogue, clock } = await history([0, 0.2, 0.5, 1.1, 1.3, 3.6]);
    const items = previewRetention(catalogue, [policy({ keepDaily: 2 })], clock.now());
    // Days: 01 (v1, v2, v3), 02 (v4, v5), 04 (v6). Kept: v6 (day 4), v5 (day 2).
    expect(numbers(items)).toEqual([1, 2, 3, 4]);
  });

  it('keepWeekly and keepMonthly bucket by ISO week and calendar month', async () => {
    // 2025-01-01 is a Wednesday: ISO weeks W01 (v1, v2), W02 (v3, v4), W04 (v5), W07 (v6, v7).
    const { catalogue, clock } = await history([0, 3, 6, 7, 20, 40, 41]);
    expect(numbers(previewRetention(catalogue, [policy({ keepWeekly: 3 })], clock.now()))).toEqual([1, 2, 3, 6]);
    // Months: January (v1..v5), February (v6, v7).
    expect(numbers(previewRetention(catalogue, [policy({ keepMonthly: 2 })], clock.now()))).toEqual([1, 2, 3, 4, 6]);
  });

  it('expireAfter keeps only what is younger than the duration', async () => {
    const { catalogue, clock } = await history([0, 10, 20, 25]);
    // Now is day 26: day 20 is younger than 7 days, day 10 is not.
    const items = previewRetention(catalogue, [policy({ expireAfter: '7d' })], clock.now() + day);
    expect(numbers(items)).toEqual([1, 2]);
    expect(items[0]?.reason).toContain('older than 1w');
  });

  it('always keeps the head and published versions, unless forced', async () => {
    const { catalogue, clock } = await history([0, 1, 2]);
    await catalogue.verify('models/m.gguf@v1');
    expect(numbers(previewRetention(catalogue, [policy({ keepLast: 1 })], clock.now()))).toEqual([2]);
    expect(numbers(previewRetention(catalogue, [policy({ keepLast: 1, force: true })], clock.now()))).toEqual([1, 2]);
    await catalogue.forgetVersions(['models/m.gguf@v3'], 'test');
    expect(numbers(previewRetention(catalogue, [policy({ keepLast: 1, force: true })], clock.now()))).toEqual([1]);
  });

  it('applies only to matching collections and types; overlapping policies keep the union', async () => {
    const { catalogue, clock } = await history([0, 1, 2]);
    await catalogue.addVersion({ collection: 'docs', name: 'a.md', ...contentOf('d1') });
    await catalogue.addVersion({ collection: 'docs', name: 'a.md', ...contentOf('d2') });
    expect(previewRetention(catalogue, [policy({ collection: 'docs', keepLast: 1 })], clock.now()).map((i) => i.artifact)).toEqual(['docs/a.md']);
    expect(previewRetention(catalogue, [policy({ type: 'document', keepLast: 1 })], clock.now()).map((i) => i.artifact)).toEqual(['docs/a.md']);
    const both = [policy({ type: 'model', keepLast: 1 }), policy({ collection: 'models', keepLast: 2 })];
    expect(numbers(previewRetention(catalogue, both, clock.now()))).toEqual([1]);
  });

  it('apply writes tombstones with an event, undoable until garbage collection', async () => {
    const { catalogue, clock } = await history([0, 1, 2, 3]);
    const items = await applyRetention(catalogue, [policy({ keepLast: 2 })], clock.now());
    expect(numbers(items)).toEqual([1, 2]);
    expect(catalogue.listVersions('models/m.gguf').versions.map((v) => v.deleted)).toEqual([true, true, false, false]);
    expect(catalogue.listEvents({ artifact: 'models/m.gguf', kinds: ['deleted'] }).items[0]?.details).toMatchObject({ versionIds: items.map((i) => i.versionId), reason: 'retention policy' });
    // Applying again finds nothing new.
    expect(await applyRetention(catalogue, [policy({ keepLast: 2 })], clock.now())).toEqual([]);

    // GC keeps deleted trees during the grace period, then lets them go.
    const trees = (v: number) => catalogue.getVersion(`models/m.gguf@v${v}`).treeId;
    expect(liveTreeIds(catalogue, { graceMs: day, now: clock.now() })).toEqual(new Set([1, 2, 3, 4].map(trees)));
    expect(liveTreeIds(catalogue, { graceMs: day, now: clock.now() + 2 * day })).toEqual(new Set([3, 4].map(trees)));

    await catalogue.restoreVersions(items.map((i) => i.versionId));
    expect(catalogue.listVersions('models/m.gguf').versions.every((v) => !v.deleted)).toBe(true);
    expect(liveTreeIds(catalogue, { graceMs: 0, now: clock.now() + 9 * day }).size).toBe(4);
  });

  it('counts a deleted artifact as deleted for GC, and keeps trees shared with live versions', async () => {
    const { catalogue, clock } = await history([0, 1]);
    await catalogue.addVersion({ collection: 'other', name: 'copy.gguf', ...contentOf('v0', 100) });
    await catalogue.deleteArtifact('models/m.gguf');
    const live = liveTreeIds(catalogue, { graceMs: 0, now: clock.now() + day });
    expect(live).toEqual(new Set([catalogue.getVersion('other/copy.gguf').treeId]));
    expect(previewRetention(catalogue, [policy({ keepLast: 1 })], clock.now())).toEqual([]);
  });

  it('refuses a policy without rules, and reads durations', () => {
    expect(retentionPolicySchema.safeParse({ collection: 'x' }).success).toBe(false);
    expect(retentionPolicySchema.safeParse({ expireAfter: 'soon' }).success).toBe(false);
    expect(policy({ expireAfter: '12h' }).expireAfter).toBe(12 * 3_600_000);
    expect(policy({ keepLast: 1 }).force).toBe(false);
  });
});
