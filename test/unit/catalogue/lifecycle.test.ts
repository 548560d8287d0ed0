import { describe, expect, it } from 'vitest';
import { legalTransitions, versionStatuses, type VersionStatus } from '../../../src-shared/catalogue/lifecycle';
import { IllegalTransitionError } from '../../../src-main/engine/catalogue/errors';
import { parseCatalogueConfig } from '../../../src-main/engine/catalogue/type-config';
import { contentOf, makeCatalogue } from './harness';

async function versionAt(status: VersionStatus) {
  const catalogue = makeCatalogue();
  await catalogue.addVersion({ name: 'doc.md', ...contentOf('doc') });
  const path: Record<VersionStatus, VersionStatus[]> = {
    draft: [],
    on_verification: ['on_verification'],
    published: ['on_verification', 'published'],
    blocked: ['on_verification', 'blocked'],
    archived: ['archived'],
  };
  for (const step of path[status]) await catalogue.setStatus('doc.md@v1', step);
  return catalogue;
}

describe('version lifecycle', () => {
  const pairs = versionStatuses.flatMap((from) => versionStatuses.filter((to) => to !== from).map((to) => [from, to] as const));

  it.each(pairs)('%s -> %s follows the transition table', async (from, to) => {
    const catalogue = await versionAt(from);
    expect(catalogue.getVersion('doc.md@v1').status).toBe(from);
    const legal = legalTransitions[from].includes(to);
    const attempt = catalogue.setStatus('doc.md@v1', to, 'test');
    if (legal) {
      await expect(attempt).resolves.toMatchObject({ status: to });
      const events = catalogue.listEvents({ version: 'doc.md@v1', kinds: ['status_changed'] }).items;
      expect(events[0]?.details).toMatchObject({ from, to, reason: 'test' });
    } else {
      const err = await attempt.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IllegalTransitionError);
      expect(err).toMatchObject({ code: 'ILLEGAL_TRANSITION', from, to, legal: legalTransitions[from] });
      expect((err as Error).message).toContain(`from "${from}" to "${to}"`);
      expect((err as Error).message).toContain('default/doc.md@v1');
      expect(catalogue.getVersion('doc.md@v1').status).toBe(from);
    }
  });

  it('treats setting the same status again as a no-op', async () => {
    const catalogue = await versionAt('on_verification');
    const before = catalogue.listEvents({}).items.length;
    await catalogue.setStatus('doc.md@v1', 'on_verification');
    expect(catalogue.listEvents({}).items.length).toBe(before);
  });

  it('keeps published versions immutable: no new lineage links from them', async () => {
    const catalogue = await versionAt('published');
    await catalogue.addVersion({ name: 'data.csv', ...contentOf('data') });
    await expect(catalogue.link('doc.md@v1', 'derived_from', 'data.csv')).rejects.toMatchObject({ code: 'CONFLICT' });
    // Links *to* a published version are fine (they belong to the other version).
    await expect(catalogue.link('data.csv', 'depends_on', 'doc.md@v1')).resolves.toHaveLength(1);
  });

  it('will not publish by hand a type that requires a validator', async () => {
    const config = parseCatalogueConfig('types:\n  document:\n    validator: { command: [/bin/true] }\n');
    const catalogue = makeCatalogue({ config });
    await catalogue.addVersion({ name: 'doc.md', ...contentOf('doc') });
    await catalogue.setStatus('doc.md', 'on_verification');
    await expect(catalogue.setStatus('doc.md', 'published')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('validator') });
  });

  it('refuses to change a deleted version until it is restored', async () => {
    const catalogue = await versionAt('draft');
    await catalogue.addVersion({ name: 'doc.md', ...contentOf('doc-2') });
    await catalogue.forgetVersions(['doc.md@v1'], 'test');
    await expect(catalogue.setStatus('doc.md@v1', 'on_verification')).rejects.toMatchObject({ code: 'CONFLICT' });
    await catalogue.restoreVersions(['doc.md@v1']);
    await expect(catalogue.setStatus('doc.md@v1', 'on_verification')).resolves.toMatchObject({ status: 'on_verification' });
  });
});
