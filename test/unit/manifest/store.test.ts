import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { Catalogue } from '../../../src-main/engine/catalogue/catalogue';
import { ManifestObjectRefusedError, ManifestSetupError } from '../../../src-main/engine/manifest/errors';
import { encodeManifestObject } from '../../../src-main/engine/manifest/object-format';
import { parseManifestKey, updateKey } from '../../../src-main/engine/manifest/object-keys';
import { ManifestStore, keepAllCovered, type ManifestStoreDeps } from '../../../src-main/engine/manifest/store';
import { MemoryBackend } from '../../helpers/memory-backend';
import { contentOf, dumpCatalogue, manualClock } from '../catalogue/harness';

const repoId = 'a'.repeat(32);
const otherRepoId = 'b'.repeat(32);
const macKey = Buffer.alloc(32, 7);
const sealKey = Buffer.alloc(32, 9);

interface Replica {
  store: ManifestStore;
  catalogue: Catalogue;
}

/** One device's process: a document, its store over `backend`, and a catalogue on top. */
async function openReplica(backend: MemoryBackend, overrides: Partial<ManifestStoreDeps> = {}): Promise<Replica & { report: Awaited<ReturnType<ManifestStore['load']>> }> {
  const doc = new Y.Doc();
  const store = new ManifestStore({ backend, repoId, deviceId: 'device-a', macKey, sealKey: null, coalesceMs: null, doc, ...overrides });
  const clock = manualClock();
  const catalogue = new Catalogue({ doc, deviceId: store.deviceId, commit: () => store.flush(), now: clock.now, host: 'test' });
  const report = await store.load();
  return { store, catalogue, report };
}

async function addSome(catalogue: Catalogue, count: number, prefix = 'file'): Promise<void> {
  for (let i = 0; i < count; i += 1) await catalogue.addVersion({ name: `${prefix}-${i}.bin`, ...contentOf(`${prefix}-${i}`) });
}

describe('ManifestStore', () => {
  it('persists every change and loads it back into an identical catalogue', async () => {
    const backend = new MemoryBackend();
    const first = await openReplica(backend);
    await addSome(first.catalogue, 5);
    await first.catalogue.tag('file-1.bin', { add: ['fast'] });
    await first.catalogue.setStatus('file-2.bin', 'on_verification');
    await first.store.close();

    const second = await openReplica(backend);
    expect(second.report.problems).toEqual([]);
    expect(dumpCatalogue(second.catalogue)).toEqual(dumpCatalogue(first.catalogue));
  });

  it('writes one object per flush, however many changes it holds', async () => {
    const backend = new MemoryBackend();
    const { store, catalogue } = await openReplica(backend);
    await catalogue.batch(async () => {
      await addSome(catalogue, 10);
      await catalogue.tag('file-3.bin', { add: ['a', 'b'] });
    });
    expect(backend.keys('manifest/')).toEqual([updateKey('device-a', 1)]);
    await addSome(catalogue, 1, 'single');
    expect(backend.keys('manifest/')).toEqual([updateKey('device-a', 1), updateKey('device-a', 2)]);
    await store.close();
  });

  it('coalesces changes made within the window into one object', async () => {
    const backend = new MemoryBackend();
    const doc = new Y.Doc();
    const store = new ManifestStore({ backend, repoId, deviceId: 'device-a', macKey, sealKey: null, coalesceMs: 5, doc });
    await store.load();
    const catalogue = new Catalogue({ doc, deviceId: 'device-a' }); // no commit: the window writes
    await Promise.all([catalogue.addVersion({ name: 'a.txt', ...contentOf('a') }), catalogue.addVersion({ name: 'b.txt', ...contentOf('b') })]);
    await store.flush();
    expect(backend.keys('manifest/')).toHaveLength(1);
    await store.close();
  });

  it('shares writes between concurrent flushes (group commit) and loses nothing', async () => {
    const backend = new MemoryBackend();
    const { store, catalogue } = await openReplica(backend);
    await Promise.all(Array.from({ length: 50 }, (_, i) => catalogue.addVersion({ name: `c-${i}.md`, ...contentOf(`c-${i}`) })));
    expect(backend.keys('manifest/').length).toBeLessThan(50);
    await store.close();
    const reopened = await openReplica(backend);
    expect(reopened.catalogue.listArtifacts({ limit: 1000 }).total).toBe(50);
  });

  it('names objects manifest/<device>/<12-digit seq> so listing order is seq order', async () => {
    const backend = new MemoryBackend();
    const { store, catalogue } = await openReplica(backend);
    await addSome(catalogue, 12);
    const keys = backend.keys('manifest/device-a/');
    expect(keys[0]).toBe('manifest/device-a/000000000001');
    expect(keys.map((k) => (parseManifestKey(k) as { seq: number }).seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    await store.close();
  });

  it('continues the sequence after a restart instead of overwriting', async () => {
    const backend = new MemoryBackend();
    const first = await openReplica(backend);
    await addSome(first.catalogue, 3);
    await first.store.close();
    const second = await openReplica(backend);
    await addSome(second.catalogue, 1, 'later');
    expect(backend.keys('manifest/device-a/').at(-1)).toBe(updateKey('device-a', 4));
    await second.store.close();
  });

  it('refuses to write before load(), since it cannot know its next sequence number', async () => {
    const backend = new MemoryBackend();
    const doc = new Y.Doc();
    const store = new ManifestStore({ backend, repoId, deviceId: 'device-a', macKey, sealKey: null, coalesceMs: null, doc });
    doc.getMap('devices').set('x', new Uint8Array([1]));
    await expect(store.flush()).rejects.toBeInstanceOf(ManifestSetupError);
    expect(backend.keys()).toEqual([]);
    await store.load();
    await store.flush();
    expect(backend.keys('manifest/')).toHaveLength(1);
  });

  it('keeps changes whose write failed and writes them with the next flush', async () => {
    const backend = new MemoryBackend();
    const { store, catalogue } = await openReplica(backend);
    backend.injectFault('put', () => true, () => Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
    await expect(catalogue.addVersion({ name: 'kept.gguf', ...contentOf('kept') })).rejects.toThrow('disk full');
    expect(backend.keys('manifest/')).toEqual([]);
    backend.clearFaults();
    await store.flush();
    await store.close();
    const reopened = await openReplica(backend);
    expect(reopened.catalogue.getArtifact('kept.gguf').headNumber).toBe(1);
  });

  it('validates its keys and ids up front', () => {
    const backend = new MemoryBackend();
    const base = { backend, repoId, deviceId: 'device-a', macKey, sealKey: null };
    expect(() => new ManifestStore({ ...base, repoId: 'nope' })).toThrow(ManifestSetupError);
    expect(() => new ManifestStore({ ...base, deviceId: 'snapshots' })).toThrow(ManifestSetupError);
    expect(() => new ManifestStore({ ...base, deviceId: 'Bad/Id' })).toThrow(ManifestSetupError);
    expect(() => new ManifestStore({ ...base, macKey: Buffer.alloc(8) })).toThrow(/at least 32/);
    expect(() => new ManifestStore({ ...base, sealKey: Buffer.alloc(16) })).toThrow(/needs 32/);
  });

  describe('refuses objects that fail verification, and loads the rest', () => {
    /**
     * device-b writes two objects, device-a three; then device-a's second object is damaged.
     * Yjs integrates one writer's changes in order, so device-a's third object waits for the
     * second: it is applied, kept, and appears once a good copy of the second arrives.
     */
    async function damagedRepository(damage: (backend: MemoryBackend, victim: string) => void, sealed = false) {
      const backend = new MemoryBackend();
      const keys = sealed ? { sealKey } : {};
      const other = await openReplica(backend, { ...keys, deviceId: 'device-b' });
      await addSome(other.catalogue, 2, 'theirs');
      await other.store.close();
      const writer = await openReplica(backend, keys);
      await addSome(writer.catalogue, 3);
      await writer.store.close();
      const victim = updateKey('device-a', 2);
      const original = backend.peek(victim) as Buffer;
      damage(backend, victim);
      const reader = await openReplica(backend, keys);
      return { backend, reader, victim, original };
    }

    const names = (catalogue: Catalogue) => catalogue.listArtifacts().items.map((a) => a.name);

    const cases: [string, (backend: MemoryBackend, victim: string) => void][] = [
      ['a flipped byte', (b, k) => {
        const bytes = b.peek(k) as Buffer;
        bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0x40;
        b.poke(k, bytes);
      }],
      ['a truncated object', (b, k) => b.poke(k, (b.peek(k) as Buffer).subarray(0, 40))],
      ['an empty object', (b, k) => b.poke(k, Buffer.alloc(0))],
      ['an object copied from another sequence slot', (b, k) => b.poke(k, b.peek(updateKey('device-a', 3)) as Buffer)],
      ['an object copied from another device', (b, k) => b.poke(k, b.peek(updateKey('device-b', 2)) as Buffer)],
      ['an object from another repository', (b, k) => {
        const update = Y.encodeStateAsUpdateV2(new Y.Doc());
        b.poke(k, encodeManifestObject(update, { repoId: otherRepoId, kind: 'update', slot: 'device-a/2' }, { macKey, sealKey: null }));
      }],
      ['an object made under another key', (b, k) => {
        const update = Y.encodeStateAsUpdateV2(new Y.Doc());
        b.poke(k, encodeManifestObject(update, { repoId, kind: 'update', slot: 'device-a/2' }, { macKey: randomBytes(32), sealKey: null }));
      }],
    ];

    it.each(cases)('%s', async (_label, damage) => {
      const { reader, victim, original } = await damagedRepository(damage);
      expect(reader.report.problems).toHaveLength(1);
      const problem = reader.report.problems[0] as ManifestObjectRefusedError;
      expect(problem).toBeInstanceOf(ManifestObjectRefusedError);
      expect(problem.code).toBe('CORRUPT');
      expect(problem.key).toBe(victim);
      expect(problem.message).toContain(victim);
      expect(reader.store.problems()).toEqual([problem]);
      // Everything else was applied: device-b's objects, device-a's first; its third waits.
      expect(names(reader.catalogue)).toEqual(['file-0.bin', 'theirs-0.bin', 'theirs-1.bin']);
      expect(reader.report.waiting).toBe(true);

      // A good copy (from sync or a backup) repairs it and releases what waited.
      expect(await reader.store.applyRemote(victim, original)).toEqual({ applied: true, kind: 'update' });
      expect(names(reader.catalogue)).toEqual(['file-0.bin', 'file-1.bin', 'file-2.bin', 'theirs-0.bin', 'theirs-1.bin']);
      expect(reader.store.isWaiting()).toBe(false);
      expect(reader.store.problems()).toEqual([]);
    });

    it('a damaged last object costs only its own changes', async () => {
      const backend = new MemoryBackend();
      const writer = await openReplica(backend);
      await addSome(writer.catalogue, 3);
      await writer.store.close();
      backend.poke(updateKey('device-a', 3), Buffer.from('CRNM garbage'));
      const reader = await openReplica(backend);
      expect(reader.report.problems.map((p) => p.key)).toEqual([updateKey('device-a', 3)]);
      expect(reader.report.waiting).toBe(false);
      expect(names(reader.catalogue)).toEqual(['file-0.bin', 'file-1.bin']);
    });

    it('in a sealed repository: an object sealed under another seal key', async () => {
      const { reader, victim } = await damagedRepository((b, k) => {
        const update = Y.encodeStateAsUpdateV2(new Y.Doc());
        b.poke(k, encodeManifestObject(update, { repoId, kind: 'update', slot: 'device-a/2' }, { macKey, sealKey: randomBytes(32) }));
      }, true);
      expect(reader.report.problems.map((p) => p.key)).toEqual([victim]);
      expect(reader.report.problems[0]?.message).toMatch(/could not be decrypted/);
      expect(names(reader.catalogue)).toEqual(['file-0.bin', 'theirs-0.bin', 'theirs-1.bin']);
    });

    it('in a sealed repository: an authentic but unsealed object', async () => {
      const { reader } = await damagedRepository((b, k) => {
        const update = Y.encodeStateAsUpdateV2(new Y.Doc());
        b.poke(k, encodeManifestObject(update, { repoId, kind: 'update', slot: 'device-a/2' }, { macKey, sealKey: null }));
      }, true);
      expect(reader.report.problems[0]?.message).toMatch(/not encrypted/);
    });

    it('a key under manifest/ that names no object', async () => {
      const { reader } = await damagedRepository((b) => b.poke('manifest/device-a/12', Buffer.from('x')));
      expect(reader.report.problems.map((p) => p.key)).toEqual(['manifest/device-a/12']);
      expect(reader.catalogue.listArtifacts().total).toBe(5);
    });
  });

  it('seals objects when given a seal key: no plaintext in the repository', async () => {
    const backend = new MemoryBackend();
    const { store, catalogue } = await openReplica(backend, { sealKey });
    await catalogue.addVersion({ name: 'secret-name.gguf', ...contentOf('s') });
    await store.close();
    const bytes = backend.peek(updateKey('device-a', 1)) as Buffer;
    expect(bytes.subarray(0, 4).toString()).toBe('CRNM');
    expect(bytes.includes(Buffer.from('secret-name'))).toBe(false);
    const reopened = await openReplica(backend, { sealKey });
    expect(reopened.catalogue.getArtifact('secret-name.gguf').name).toBe('secret-name.gguf');
    const withoutKey = await openReplica(backend, { sealKey: null });
    expect(withoutKey.report.problems).toHaveLength(1);
  });

  describe('compaction', () => {
    it('writes a snapshot, then deletes the covered objects of this device only', async () => {
      const backend = new MemoryBackend();
      const other = await openReplica(backend, { deviceId: 'device-b' });
      await addSome(other.catalogue, 2, 'theirs');
      await other.store.close();
      const mine = await openReplica(backend);
      await addSome(mine.catalogue, 4, 'mine');
      const report = await mine.store.compact();
      expect(report.deleted.sort()).toEqual([1, 2, 3, 4].map((seq) => updateKey('device-a', seq)));
      expect(report.covers).toEqual({ 'device-b': [[1, 2]], 'device-a': [[1, 4]] });
      expect(backend.keys('manifest/')).toEqual([updateKey('device-b', 1), updateKey('device-b', 2), report.snapshotKey]);

      // Writing goes on after the covered sequence numbers; a reload reads the snapshot.
      await addSome(mine.catalogue, 1, 'after');
      expect(backend.keys('manifest/device-a/')).toEqual([updateKey('device-a', 5)]);
      await mine.store.close();
      const reopened = await openReplica(backend);
      expect(reopened.report).toMatchObject({ snapshotsApplied: 1, updatesApplied: 1, updatesCovered: 2, problems: [] });
      expect(dumpCatalogue(reopened.catalogue)).toEqual(dumpCatalogue(mine.catalogue));
    });

    it('replaces its own older snapshot and keeps everything when the policy says so', async () => {
      const backend = new MemoryBackend();
      const { store, catalogue } = await openReplica(backend);
      await addSome(catalogue, 2);
      const first = await store.compact();
      await addSome(catalogue, 2, 'more');
      const second = await store.compact();
      expect(second.deleted).toContain(first.snapshotKey);
      expect(backend.keys('manifest/')).toEqual([second.snapshotKey]);
      await addSome(catalogue, 1, 'kept');
      const third = await store.compact({ deletePolicy: keepAllCovered });
      expect(third.deleted).toEqual([]);
      expect(backend.keys('manifest/')).toHaveLength(3);
      await store.close();
      expect((await openReplica(backend)).catalogue.listArtifacts().total).toBe(5);
    });

    it('never deletes anything when the snapshot could not be written', async () => {
      const backend = new MemoryBackend();
      const { store, catalogue } = await openReplica(backend);
      await addSome(catalogue, 3);
      backend.injectFault('put', (key) => key.startsWith('manifest/snapshots/'), () => new Error('EIO'));
      await expect(store.compact()).rejects.toThrow('EIO');
      expect(backend.keys('manifest/')).toHaveLength(3);
    });

    it('refuses a tampered snapshot, and keeps the update that needs it waiting rather than lost', async () => {
      const backend = new MemoryBackend();
      const { store, catalogue } = await openReplica(backend);
      await addSome(catalogue, 2);
      const { snapshotKey } = await store.compact();
      await addSome(catalogue, 1, 'after');
      await store.close();
      const original = backend.peek(snapshotKey) as Buffer;
      const bytes = Buffer.from(original);
      bytes[20] = (bytes[20] as number) ^ 1;
      backend.poke(snapshotKey, bytes);

      const reopened = await openReplica(backend);
      expect(reopened.report.problems.map((p) => p.key)).toEqual([snapshotKey]);
      // The update after the snapshot waits for the changes only the snapshot held.
      expect(reopened.report.waiting).toBe(true);
      expect(reopened.catalogue.listArtifacts().total).toBe(0);
      // Compacting now keeps what waits (inside the new snapshot), and not the damaged object.
      await reopened.store.compact();
      await reopened.store.close();

      const later = await openReplica(backend);
      expect(later.report.waiting).toBe(true);
      await later.store.applyRemote(snapshotKey, original);
      expect(later.catalogue.listArtifacts().items.map((a) => a.name)).toEqual(['after-0.bin', 'file-0.bin', 'file-1.bin']);
    });
  });

  describe('sync hooks', () => {
    /** Device b's two updates in its own backend, and device a opened over another one. */
    async function twoDevices() {
      const theirs = new MemoryBackend('theirs');
      const b = await openReplica(theirs, { deviceId: 'device-b' });
      await addSome(b.catalogue, 2, 'from-b');
      const mine = new MemoryBackend('mine');
      return { theirs, mine, a: await openReplica(mine) };
    }

    it('applies objects fetched from another device, keeps a copy, and skips repeats', async () => {
      const { theirs, mine, a } = await twoDevices();
      for (const key of theirs.keys('manifest/')) expect(await a.store.applyRemote(key, theirs.peek(key) as Buffer)).toEqual({ applied: true, kind: 'update' });
      expect(await a.store.applyRemote(updateKey('device-b', 1), theirs.peek(updateKey('device-b', 1)) as Buffer)).toEqual({ applied: false, reason: 'already applied' });
      expect(a.catalogue.listArtifacts().total).toBe(2);
      expect(mine.keys('manifest/device-b/')).toEqual(theirs.keys('manifest/device-b/'));
      expect(a.store.cursors().get('device-b')).toBe(2);
    });

    it('refuses a remote object that fails verification and stores nothing', async () => {
      const a = await openReplica(new MemoryBackend());
      const forged = encodeManifestObject(Y.encodeStateAsUpdateV2(new Y.Doc()), { repoId: otherRepoId, kind: 'update', slot: 'device-b/1' }, { macKey, sealKey: null });
      await expect(a.store.applyRemote(updateKey('device-b', 1), forged)).rejects.toBeInstanceOf(ManifestObjectRefusedError);
      await expect(a.store.applyRemote('packs/ab/cd', forged)).rejects.toBeInstanceOf(ManifestObjectRefusedError);
      expect(a.store.problems()).toHaveLength(2);
      expect(a.store.cursors().get('device-b')).toBe(1);
    });

    it('lists what this device has not uploaded yet', async () => {
      const backend = new MemoryBackend();
      const { store, catalogue } = await openReplica(backend);
      await addSome(catalogue, 3);
      expect((await store.pendingUpload(1)).updates.map((u) => u.seq)).toEqual([2, 3]);
      const { snapshotKey } = await store.compact({ deletePolicy: keepAllCovered });
      expect((await store.pendingUpload(3)).snapshots).toEqual([snapshotKey]);
    });

    it('writes back nothing it applied, but does write a change made while applying', async () => {
      const { theirs, mine, a } = await twoDevices();
      // A reaction to the remote change, made inside the transaction that applies it (an observer).
      let reacted = false;
      a.store.doc.on('afterTransaction', (transaction: Y.Transaction) => {
        if (transaction.local || reacted) return;
        reacted = true;
        a.store.doc.getMap('devices').set('reaction', new Uint8Array([1]));
      });
      const [first, second] = theirs.keys('manifest/');
      await a.store.applyRemote(first as string, theirs.peek(first as string) as Buffer);
      await a.store.flush();
      expect(reacted).toBe(true);
      expect(mine.keys('manifest/device-a/')).toEqual([updateKey('device-a', 1)]);
      await a.store.applyRemote(second as string, theirs.peek(second as string) as Buffer);
      await a.store.flush();
      expect(mine.keys('manifest/device-a/')).toEqual([updateKey('device-a', 1)]);
      await addSome(a.catalogue, 1, 'mine');
      expect(mine.keys('manifest/device-a/')).toEqual([updateKey('device-a', 1), updateKey('device-a', 2)]);

      const again = await openReplica(mine, { deviceId: 'device-c' });
      expect(again.store.doc.getMap('devices').get('reaction')).toEqual(new Uint8Array([1]));
      expect(again.catalogue.listArtifacts().total).toBe(3);
    });

    it('picks up objects another process wrote when load() runs again', async () => {
      const backend = new MemoryBackend();
      const a = await openReplica(backend);
      const b = await openReplica(backend, { deviceId: 'device-b' });
      await addSome(b.catalogue, 2, 'b');
      const again = await a.store.load();
      expect(again.updatesApplied).toBe(2);
      expect(a.catalogue.listArtifacts().total).toBe(2);
    });
  });
});
