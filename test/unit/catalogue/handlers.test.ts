import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { catalogueCommands, catalogueEvents } from '../../../src-shared/contract/catalogue';
import { catalogueHandlers } from '../../../src-main/engine/catalogue/handlers';
import { contentOf, makeCatalogue, manualClock } from './harness';

type Name = keyof typeof catalogueCommands;
const ctx = { transport: 'test' };

describe('catalogue handlers', () => {
  async function setUp() {
    const clock = manualClock();
    const catalogue = makeCatalogue({ now: clock.now });
    await catalogue.addVersion({ collection: 'models', name: 'm.gguf', ...contentOf('m1') });
    clock.advance(1000);
    await catalogue.addVersion({ collection: 'models', name: 'm.gguf', ...contentOf('m2') });
    await catalogue.addVersion({ collection: 'data', name: 'd.csv', ...contentOf('d1') });
    const handlers = catalogueHandlers(catalogue, { now: clock.now });
    /** What a transport does: validate with the contract, run the handler, check the output shape. */
    const call = async <N extends Name>(name: N, input: unknown): Promise<z.output<(typeof catalogueCommands)[N]['output']>> => {
      const spec = catalogueCommands[name];
      const parsed = spec.input.parse(input);
      const output = await (handlers[name] as (i: unknown, c: typeof ctx) => Promise<unknown>)(parsed, ctx);
      return spec.output.parse(output) as z.output<(typeof catalogueCommands)[N]['output']>;
    };
    return { catalogue, call };
  }

  it('has a handler for every command of the contract module', async () => {
    const { catalogue } = await setUp();
    expect(Object.keys(catalogueHandlers(catalogue)).sort()).toEqual(Object.keys(catalogueCommands).sort());
  });

  it('serves every command with outputs that match the contract', async () => {
    const { call } = await setUp();
    expect(await call('catalogue.artifacts.list', { collection: 'models' })).toMatchObject({ total: 1, items: [{ name: 'm.gguf', headNumber: 2 }] });
    expect(await call('catalogue.artifacts.get', { artifact: 'd.csv' })).toMatchObject({ type: 'dataset' });
    expect(await call('catalogue.versions.list', { artifact: 'models/m.gguf' })).toMatchObject({ versions: [{ number: 1 }, { number: 2 }] });
    expect(await call('catalogue.tags.edit', { artifact: 'm.gguf', add: ['prod'] })).toMatchObject({ tags: ['prod'] });
    expect(await call('catalogue.metadata.edit', { artifact: 'm.gguf', description: 'weights', metadata: { epochs: '3' } })).toMatchObject({ description: 'weights', metadata: { epochs: '3' } });
    expect(await call('catalogue.link', { from: 'm.gguf@v2', kind: 'trained_on', to: 'data/d.csv' })).toMatchObject({ outgoingLinks: [{ kind: 'trained_on', reference: 'data/d.csv@v1' }] });
    expect(await call('catalogue.status.set', { version: 'm.gguf@v1', status: 'on_verification' })).toMatchObject({ status: 'on_verification' });
    expect(await call('catalogue.verify', { version: 'm.gguf@v1' })).toMatchObject({ version: { status: 'published' }, validation: null });
    expect(await call('catalogue.versions.get', { version: 'm.gguf@v2' })).toMatchObject({ version: { number: 2 }, outgoingLinks: [{ kind: 'trained_on' }] });
    expect(await call('catalogue.rollback', { artifact: 'm.gguf', version: 1 })).toMatchObject({ created: true, version: { number: 3 } });
    const preview = await call('catalogue.forget.preview', { policies: [{ collection: 'models', keepLast: 1 }] });
    expect(preview.items.map((i) => i.number)).toEqual([2]); // v1 is published, v3 is the head
    expect((await call('catalogue.forget.apply', { policies: [{ collection: 'models', keepLast: 1 }] })).items).toHaveLength(1);
    expect(await call('catalogue.versions.restore', { versions: ['m.gguf@v2'] })).toMatchObject({ versions: [{ deleted: false }] });
    expect(await call('catalogue.artifacts.delete', { artifact: 'd.csv', reason: 'old' })).toMatchObject({ deleted: true });
    expect(await call('catalogue.artifacts.restore', { artifact: 'd.csv' })).toMatchObject({ deleted: false });
    const events = await call('catalogue.events.list', { artifact: 'models/m.gguf', limit: 3 });
    expect(events.items).toHaveLength(3);
    expect(events.nextCursor).not.toBeNull();
  });

  it('has contract schemas that refuse bad input before any handler runs', () => {
    expect(catalogueCommands['catalogue.artifacts.list'].input.safeParse({ offset: 1, cursor: 'x' }).success).toBe(false);
    expect(catalogueCommands['catalogue.artifacts.list'].input.safeParse({ limit: 5000 }).success).toBe(false);
    expect(catalogueCommands['catalogue.tags.edit'].input.safeParse({ artifact: 'a', add: ['no spaces'] }).success).toBe(false);
    expect(catalogueCommands['catalogue.forget.preview'].input.safeParse({ policies: [{ collection: 'x' }] }).success).toBe(false);
    expect(catalogueCommands['catalogue.status.set'].input.safeParse({ version: 'a', status: 'done' }).success).toBe(false);
    expect(catalogueCommands['catalogue.metadata.edit'].input.safeParse({ artifact: 'a', extra: 1 }).success).toBe(false);
  });

  it('emits catalogue.changed payloads that match the contract', async () => {
    const catalogue = makeCatalogue();
    const seen: unknown[] = [];
    catalogue.onChange((change) => seen.push(catalogueEvents['catalogue.changed'].payload.parse(change)));
    const { version } = await catalogue.addVersion({ name: 'x.txt', ...contentOf('x') });
    expect(seen).toEqual([{ artifactIds: [version.artifactId], truncated: false, origin: 'local' }]);
  });
});
