import { describe, expect, it } from 'vitest';
import { contentOf, makeCatalogue, manualClock } from './harness';

async function populated() {
  const clock = manualClock();
  const catalogue = makeCatalogue({ now: clock.now });
  const add = async (collection: string, name: string, label: string) => {
    clock.advance(1000);
    return catalogue.addVersion({ collection, name, ...contentOf(label) });
  };
  await add('models', 'llama.gguf', 'llama-1');
  await add('models', 'mistral.safetensors', 'mistral-1');
  await add('data', 'train.csv', 'train-1');
  await add('data', 'eval.csv', 'eval-1');
  await add('docs', 'README.md', 'readme-1');
  await add('models', 'llama.gguf', 'llama-2');
  await catalogue.tag('models/llama.gguf', { add: ['prod'] });
  await catalogue.tag('data/train.csv', { add: ['prod'] });
  await catalogue.setStatus('data/eval.csv', 'on_verification');
  return { catalogue, clock, add };
}

describe('listing and search', () => {
  it('sorts by collection then name, stably, and pages by offset', async () => {
    const { catalogue } = await populated();
    const all = catalogue.listArtifacts();
    expect(all.items.map((a) => `${a.collection}/${a.name}`)).toEqual(['data/eval.csv', 'data/train.csv', 'docs/README.md', 'models/llama.gguf', 'models/mistral.safetensors']);
    expect(all.total).toBe(5);
    const page = catalogue.listArtifacts({ offset: 2, limit: 2 });
    expect(page.items.map((a) => a.name)).toEqual(['README.md', 'llama.gguf']);
  });

  it('pages by cursor without skipping or repeating when artifacts are added between pages', async () => {
    const { catalogue, add } = await populated();
    const first = catalogue.listArtifacts({ limit: 2 });
    expect(first.nextCursor).not.toBeNull();
    await add('aaa', 'first-now.txt', 'x');
    await add('zzz', 'last-now.txt', 'y');
    const second = catalogue.listArtifacts({ limit: 2, cursor: first.nextCursor as string });
    expect(second.items.map((a) => a.name)).toEqual(['README.md', 'llama.gguf']);
    const third = catalogue.listArtifacts({ limit: 2, cursor: second.nextCursor as string });
    expect(third.items.map((a) => a.name)).toEqual(['mistral.safetensors', 'last-now.txt']);
    expect(third.nextCursor).toBeNull();
    expect(() => catalogue.listArtifacts({ sort: 'updated', cursor: first.nextCursor as string })).toThrow(/cursor/);
  });

  it('sorts by last update, newest first', async () => {
    const { catalogue } = await populated();
    expect(catalogue.listArtifacts({ sort: 'updated', limit: 3 }).items.map((a) => a.name)).toEqual(['llama.gguf', 'README.md', 'eval.csv']);
  });

  it.each([
    [{ collection: 'data' }, ['eval.csv', 'train.csv']],
    [{ type: 'model' }, ['llama.gguf', 'mistral.safetensors']],
    [{ tag: 'prod' }, ['train.csv', 'llama.gguf']],
    [{ status: 'on_verification' as const }, ['eval.csv']],
    [{ name: 'LLA' }, ['llama.gguf']],
    [{ collection: 'models', tag: 'prod' }, ['llama.gguf']],
  ])('filters by %j', async (filter, names) => {
    const { catalogue } = await populated();
    expect(catalogue.listArtifacts(filter).items.map((a) => a.name)).toEqual(names);
  });

  it('finds an artifact by a prefix of any of its versions digests', async () => {
    const { catalogue } = await populated();
    const v1 = catalogue.getVersion('models/llama.gguf@v1');
    expect(catalogue.listArtifacts({ sha256: v1.sha256.slice(0, 6) }).items.map((a) => a.name)).toEqual(['llama.gguf']);
  });

  it('lists versions oldest first with derived numbers and head', async () => {
    const { catalogue } = await populated();
    const { artifact, versions } = catalogue.listVersions('llama.gguf');
    expect(artifact).toMatchObject({ headNumber: 2, versionCount: 2 });
    expect(versions.map((v) => [v.number, v.isHead])).toEqual([[1, false], [2, true]]);
  });
});

describe('references', () => {
  it('resolves name, collection/name, @vN, @sha256:prefix and ids', async () => {
    const { catalogue } = await populated();
    const v1 = catalogue.getVersion('models/llama.gguf@v1');
    const v2 = catalogue.getVersion('llama.gguf');
    expect(v2.number).toBe(2);
    expect(catalogue.getVersion('llama.gguf@v1').id).toBe(v1.id);
    expect(catalogue.getVersion(`llama.gguf@sha256:${v1.sha256.slice(0, 4)}`).id).toBe(v1.id);
    expect(catalogue.getVersion(`models/llama.gguf@sha256:${v1.sha256.toUpperCase().slice(0, 10)}`).id).toBe(v1.id);
    expect(catalogue.getVersion(v1.id).number).toBe(1);
    expect(catalogue.getVersion(v1.artifactId).id).toBe(v2.id);
    expect(catalogue.getArtifact(v1.artifactId).name).toBe('llama.gguf');
  });

  it('keeps names that contain @ as names', async () => {
    const catalogue = makeCatalogue();
    await catalogue.addVersion({ name: 'model@2.bin', ...contentOf('at') });
    expect(catalogue.getVersion('model@2.bin').number).toBe(1);
    expect(catalogue.getVersion('model@2.bin@v1').number).toBe(1);
  });

  it('explains unknown, ambiguous and malformed references', async () => {
    const { catalogue } = await populated();
    await catalogue.addVersion({ collection: 'other', name: 'train.csv', ...contentOf('other-train') });
    expect(() => catalogue.getArtifact('train.csv')).toThrow(expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining('data/train.csv, other/train.csv') }));
    expect(() => catalogue.getArtifact('nope.csv')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => catalogue.getVersion('llama.gguf@v7')).toThrow(expect.objectContaining({ code: 'NOT_FOUND', hint: expect.stringContaining('2 version') }));
    expect(() => catalogue.getVersion('llama.gguf@sha256:abc')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => catalogue.getVersion('Bad Collection/x')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => catalogue.getArtifact('llama.gguf@v1')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('prefers the live artifact when a bare name is also used by a deleted one', async () => {
    const { catalogue } = await populated();
    await catalogue.addVersion({ collection: 'old', name: 'eval.csv', ...contentOf('old-eval') });
    await catalogue.deleteArtifact('old/eval.csv');
    expect(catalogue.getArtifact('eval.csv').collection).toBe('data');
  });
});

describe('events', () => {
  it('lists the audit log newest first, with version creations, paged by cursor', async () => {
    const { catalogue } = await populated();
    const all = catalogue.listEvents({ limit: 1000 }).items;
    expect(all.map((e) => e.kind)).toEqual(['status_changed', 'tagged', 'tagged', 'created', 'created', 'created', 'created', 'created', 'created']);
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = catalogue.listEvents({ limit: 2, ...(cursor ? { cursor } : {}) });
      pages.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual(all);
    expect(catalogue.listEvents({ artifact: 'models/llama.gguf' }).items.map((e) => e.kind)).toEqual(['tagged', 'created', 'created']);
    expect(catalogue.listEvents({ version: 'data/eval.csv@v1', kinds: ['status_changed'] }).items).toHaveLength(1);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
  });
});
