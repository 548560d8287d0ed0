import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../../src-shared/contract';
import { bytesFor, sha256Of, SyncWorld } from './sync-harness';

let world: SyncWorld;
afterEach(async () => {
  await world.stop();
});

describe('bytes follow metadata', () => {
  it('fetches packs on first restore, or as soon as versions arrive for collections kept locally; the catalogue updates through events', { timeout: 120_000 }, async () => {
    world = new SyncWorld();
    await world.start();
    const a = await world.founder('a');
    const other = await a.add('other.bin', bytesFor('other', 80_000), 'misc');
    await a.add('weights.bin', bytesFor('w1', 80_000), 'models');
    await a.sync();
    let b = await world.joiner('b');
    // A fresh process that has not synced (a CLI restore) reads through as well.
    b = await world.restart(b);
    const fetched = () => b.engine.vault.readThrough.fetched.packs;
    expect(fetched()).toBe(0);

    // Lazily: the pack comes when the version is restored, and only once.
    const out = await world.tempDir('out');
    await b.call('catalogue.restoreTo', { version: other.id, target: out.join('1'), anyStatus: true });
    expect(fetched()).toBe(1);
    await b.call('catalogue.restoreTo', { version: other.id, target: out.join('2'), anyStatus: true });
    expect(fetched()).toBe(1);
    expect(await sha256Of(path.join(out.join('2'), 'other.bin'))).toBe(other.sha256);

    // Eagerly for a collection kept locally: now, and for versions that arrive later.
    expect((await b.call('sync.keepLocal', { collection: 'models' })).collections).toEqual(['models']);
    expect((await b.sync()).keptLocalPacks).toBe(1);
    const events: Array<{ name: EventName; payload: unknown }> = [];
    const unsubscribe = b.engine.events.subscribe((name, payload) => events.push({ name, payload }));
    const v2 = await a.add('weights.bin', bytesFor('w2', 80_000), 'models');
    await a.sync();
    const round = await b.sync();
    unsubscribe();
    expect(round.keptLocalPacks).toBe(1);
    expect(fetched()).toBe(3);
    await b.call('catalogue.restoreTo', { version: v2.id, target: out.join('3'), anyStatus: true });
    expect(fetched()).toBe(3);

    expect(events.some((e) => e.name === 'catalogue.changed' && (e.payload as { origin: string }).origin === 'remote')).toBe(true);
    expect(events.some((e) => e.name === 'manifest.update')).toBe(true);
    expect(events.find((e) => e.name === 'sync.changed')?.payload).toMatchObject({ ok: true, applied: 1 });
    expect((await b.call('sync.status', {})).keepLocal).toEqual(['models']);
  });
});
