import fc from 'fast-check';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { CairnError } from '../../../src-shared/errors';
import { legalTransitions } from '../../../src-shared/catalogue/lifecycle';
import { linkKinds, type LinkKind } from '../../../src-shared/catalogue/records';
import { Catalogue } from '../../../src-main/engine/catalogue/catalogue';
import { contentOf, dumpCatalogue, expectReplicaIndexAgrees, manualClock } from './harness';

/**
 * The catalogue is a pure function of the set of manifest updates: devices that make changes
 * concurrently and exchange updates in any order, any grouping, end up showing the same thing.
 */

interface Device {
  id: string;
  doc: Y.Doc;
  catalogue: Catalogue;
  clock: ReturnType<typeof manualClock>;
  /** Updates this device made itself, in order. */
  own: Uint8Array[];
  /** How many of each other device's own updates it has received. */
  received: Map<string, number>;
}

const base = Date.UTC(2025, 2, 1);

function makeDevice(id: string, skewMs: number): Device {
  const doc = new Y.Doc();
  const clock = manualClock(base + skewMs);
  const device: Device = { id, doc, clock, own: [], received: new Map(), catalogue: new Catalogue({ doc, deviceId: id, now: clock.now, host: id }) };
  doc.on('updateV2', (update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
    if (transaction.local) device.own.push(update);
  });
  return device;
}

/** Delivers to `to` every update `from` made that `to` has not had yet. */
function deliver(from: Device, to: Device): void {
  const start = to.received.get(from.id) ?? 0;
  for (const update of from.own.slice(start)) Y.applyUpdateV2(to.doc, update, 'remote');
  to.received.set(from.id, from.own.length);
}

const names = ['a.gguf', 'b.csv'];
const ref = (name: number) => names[name % names.length] as string;

type Op =
  | { kind: 'add'; device: number; name: number; content: number }
  | { kind: 'status'; device: number; name: number; choice: number }
  | { kind: 'tag'; device: number; name: number; tag: number; add: boolean }
  | { kind: 'meta'; device: number; name: number; value: number }
  | { kind: 'delete' | 'restore'; device: number; name: number }
  | { kind: 'rollback' | 'forget' | 'unforget'; device: number; name: number; number: number }
  | { kind: 'link'; device: number; from: number; to: number; link: LinkKind }
  | { kind: 'sync'; device: number; to: number }
  | { kind: 'syncAll'; device: number }
  | { kind: 'tick'; device: number; ms: number };

const device = fc.nat({ max: 2 });
const name = fc.nat({ max: 1 });
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), device, name, content: fc.nat({ max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('status' as const), device, name, choice: fc.nat({ max: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tag' as const), device, name, tag: fc.nat({ max: 1 }), add: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('meta' as const), device, name, value: fc.nat({ max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('delete' as const, 'restore' as const), device, name }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('rollback' as const, 'forget' as const, 'unforget' as const), device, name, number: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('link' as const), device, from: name, to: name, link: fc.constantFrom(...linkKinds) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('sync' as const), device, to: device }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('syncAll' as const), device }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), device, ms: fc.constantFrom(0, 0, 1, 5) }) },
);

async function run(op: Op, devices: Device[]): Promise<void> {
  const d = devices[op.device % devices.length] as Device;
  const c = d.catalogue;
  try {
    switch (op.kind) {
      case 'add':
        await c.addVersion({ name: ref(op.name), ...contentOf(`content-${op.content}`) });
        break;
      case 'status': {
        // A legal move from where this device sees the version (illegal ones are tested elsewhere).
        const legal = legalTransitions[c.getVersion(ref(op.name)).status];
        const to = legal[op.choice % Math.max(1, legal.length)];
        if (to) await c.setStatus(ref(op.name), to);
        break;
      }
      case 'tag':
        await c.tag(ref(op.name), op.add ? { add: [`t${op.tag}`] } : { remove: [`t${op.tag}`] });
        break;
      case 'meta':
        await c.editMetadata(ref(op.name), { description: op.value === 0 ? null : `description ${op.value}` });
        break;
      case 'delete':
        await c.deleteArtifact(ref(op.name));
        break;
      case 'restore':
        await c.restoreArtifact(ref(op.name));
        break;
      case 'rollback':
        await c.rollback(ref(op.name), op.number);
        break;
      case 'forget':
        await c.forgetVersions([`${ref(op.name)}@v${op.number}`], 'test');
        break;
      case 'unforget':
        await c.restoreVersions([`${ref(op.name)}@v${op.number}`]);
        break;
      case 'link':
        await c.link(ref(op.from), op.link, `${ref(op.to)}@v1`);
        break;
      case 'sync':
        deliver(d, devices[op.to % devices.length] as Device);
        break;
      case 'syncAll':
        for (const to of devices) for (const from of devices) if (from !== to) deliver(from, to);
        break;
      case 'tick':
        d.clock.advance(op.ms);
        break;
    }
  } catch (err) {
    // Refusals (illegal moves, unknown references on this device) are part of the game; bugs are not.
    if (!(err instanceof CairnError)) throw err;
  }
}

/** A fresh replica that receives `updates` one by one with its catalogue already watching. */
function incrementalReplica(updates: readonly Uint8Array[]): Catalogue {
  const doc = new Y.Doc();
  const catalogue = new Catalogue({ doc, deviceId: 'observer' });
  for (const update of updates) Y.applyUpdateV2(doc, update, 'remote');
  return catalogue;
}

/** A fresh replica built from a document that already holds `updates`. */
function builtReplica(updates: readonly Uint8Array[]): Catalogue {
  const doc = new Y.Doc();
  doc.transact(() => updates.forEach((u) => Y.applyUpdateV2(doc, u)));
  return new Catalogue({ doc, deviceId: 'observer' });
}

function shuffled<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items.map((item, i) => ({ item, key: keys[i % keys.length] ?? 0, i })).sort((a, b) => a.key - b.key || a.i - b.i).map((x) => x.item);
}

describe('convergence', () => {
  it('gives identical catalogues for the same set of updates, whatever the order of arrival', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 3 }),
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 3, maxLength: 3 }),
        fc.array(opArbitrary, { minLength: 10, maxLength: 60 }),
        fc.array(fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), { minLength: 2, maxLength: 3 }),
        async (count, skews, ops, orders) => {
          const devices = Array.from({ length: count }, (_, i) => makeDevice(`dev-${i}`, skews[i] ?? 0));
          // Every device starts from the same two artifacts, so edits contend for the same facts.
          for (const [i, n] of names.entries()) await (devices[i % count] as Device).catalogue.addVersion({ name: n, ...contentOf(`initial-${n}`) });
          await run({ kind: 'syncAll', device: 0 }, devices);
          for (const op of ops) await run(op, devices);
          const all = devices.flatMap((d) => d.own);

          const reference = dumpCatalogue(builtReplica(all));
          for (const keys of orders) {
            const order = shuffled(all, keys);
            expect(dumpCatalogue(incrementalReplica(order))).toEqual(reference);
            expect(dumpCatalogue(builtReplica(order))).toEqual(reference);
          }
          expect(dumpCatalogue(incrementalReplica([Y.mergeUpdatesV2(all)]))).toEqual(reference);
          // The renderer's replica index, fed the records in any order, shows the same.
          for (const keys of orders) expectReplicaIndexAgrees(builtReplica(all), keys);
          // And every device, once it has everyone's updates, shows the same.
          for (const to of devices) for (const from of devices) if (from !== to) deliver(from, to);
          for (const d of devices) expect(dumpCatalogue(d.catalogue)).toEqual(reference);
        },
      ),
      { seed: 20250301, numRuns: 100 },
    );
  });
});

describe('concurrent edits on two devices', () => {
  async function pair() {
    const a = makeDevice('dev-a', 0);
    const b = makeDevice('dev-b', 0);
    await a.catalogue.addVersion({ name: 'shared.gguf', ...contentOf('s1') });
    await a.catalogue.setStatus('shared.gguf', 'on_verification');
    deliver(a, b);
    return { a, b, exchange: () => (deliver(a, b), deliver(b, a)) };
  }

  it('status: the later stamp wins on both, in either order', async () => {
    const { a, b, exchange } = await pair();
    a.clock.advance(100);
    b.clock.advance(200);
    await a.catalogue.setStatus('shared.gguf', 'published');
    await b.catalogue.setStatus('shared.gguf', 'blocked');
    exchange();
    expect(a.catalogue.getVersion('shared.gguf').status).toBe('blocked');
    expect(b.catalogue.getVersion('shared.gguf').status).toBe('blocked');
  });

  it('status: edits at the same wall-clock time resolve the same on both devices', async () => {
    const { a, b, exchange } = await pair();
    await a.catalogue.setStatus('shared.gguf', 'published');
    await b.catalogue.setStatus('shared.gguf', 'blocked');
    exchange();
    const statuses = [a, b].map((d) => d.catalogue.getVersion('shared.gguf').status);
    expect(statuses[0]).toBe(statuses[1]);
  });

  it('tags: concurrent add and remove resolve by stamp; different tags both survive', async () => {
    const { a, b, exchange } = await pair();
    b.clock.advance(10);
    await a.catalogue.tag('shared.gguf', { add: ['prod', 'fast'] });
    await b.catalogue.tag('shared.gguf', { add: ['gpu'] });
    await b.catalogue.tag('shared.gguf', { remove: ['gpu'] });
    await b.catalogue.tag('shared.gguf', { add: ['gpu'] });
    exchange();
    await a.catalogue.tag('shared.gguf', { remove: ['prod'] });
    exchange();
    expect(a.catalogue.getArtifact('shared.gguf').tags).toEqual(['fast', 'gpu']);
    expect(b.catalogue.getArtifact('shared.gguf').tags).toEqual(['fast', 'gpu']);
  });

  it('head: concurrent new versions both exist, numbered and headed alike everywhere', async () => {
    const { a, b, exchange } = await pair();
    a.clock.advance(5);
    b.clock.advance(9);
    await a.catalogue.addVersion({ name: 'shared.gguf', ...contentOf('from-a') });
    await b.catalogue.addVersion({ name: 'shared.gguf', ...contentOf('from-b') });
    exchange();
    for (const d of [a, b]) {
      const { versions, artifact } = d.catalogue.listVersions('shared.gguf');
      expect(versions.map((v) => [v.number, v.deviceId])).toEqual([[1, 'dev-a'], [2, 'dev-a'], [3, 'dev-b']]);
      expect(artifact.headNumber).toBe(3);
    }
  });

  it('creating the same collection/name on two devices makes one artifact', async () => {
    const a = makeDevice('dev-a', 0);
    const b = makeDevice('dev-b', 3);
    await a.catalogue.addVersion({ collection: 'models', name: 'new.gguf', ...contentOf('a-bytes') });
    await b.catalogue.addVersion({ collection: 'models', name: 'new.gguf', ...contentOf('b-bytes') });
    deliver(a, b);
    deliver(b, a);
    for (const d of [a, b]) {
      expect(d.catalogue.listArtifacts().total).toBe(1);
      expect(d.catalogue.getArtifact('models/new.gguf')).toMatchObject({ versionCount: 2, createdAt: base });
    }
  });

  it('version numbers never go back: a version made after seeing vN is numbered after it', async () => {
    const a = makeDevice('dev-a', 0);
    const b = makeDevice('dev-b', -60_000); // b's clock is a minute behind
    await a.catalogue.addVersion({ name: 'n.txt', ...contentOf('1') });
    await a.catalogue.addVersion({ name: 'n.txt', ...contentOf('2') });
    deliver(a, b);
    const made = await b.catalogue.addVersion({ name: 'n.txt', ...contentOf('3') });
    expect(made.version.number).toBe(3);
    deliver(b, a);
    expect(a.catalogue.getVersion(made.version.id).number).toBe(3);
    expect(a.catalogue.getArtifact('n.txt').headVersionId).toBe(made.version.id);
  });
});
