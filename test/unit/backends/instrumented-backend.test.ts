import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ObjectNotFoundError } from '../../../src-main/engine/backends/backend';
import { BackendUnavailableError } from '../../../src-main/engine/backends/backend-errors';
import { InstrumentedBackend, type BackendOperation } from '../../../src-main/engine/backends/instrumented-backend';
import { LocalBackend } from '../../../src-main/engine/backends/local-backend';
import { collectKeys, readAll } from './conformance';
import { FlakyBackend } from './flaky-backend';

describe('InstrumentedBackend', () => {
  let root: string;
  let flaky: FlakyBackend;
  let operations: BackendOperation[];
  let time: number;

  function instrumented(onOperation?: (operation: BackendOperation) => void): InstrumentedBackend {
    return new InstrumentedBackend(flaky, { onOperation: onOperation ?? ((operation) => operations.push(operation)), now: () => (time += 5) });
  }

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'cairn-instrumented-'));
    flaky = new FlakyBackend(new LocalBackend(root));
    operations = [];
    time = 0;
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('counts operations by verb and result, and bytes in and out', async () => {
    const backend = instrumented();
    await backend.put('a', Buffer.alloc(100));
    await backend.put('b', Buffer.alloc(50));
    await backend.get('a');
    await backend.get('a', { offset: 10, length: 20 });
    await expect(backend.get('missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
    flaky.failNext('head', new BackendUnavailableError('down'));
    await expect(backend.head('a')).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(await backend.head('a')).not.toBeNull();
    expect(await backend.head('nope')).toBeNull();
    expect(await collectKeys(backend, '')).toEqual(['a', 'b']);
    expect((await readAll(await backend.getStream('b'))).length).toBe(50);
    await backend.delete('b');
    flaky.failNext('put', new Error('not a CairnError'));
    await expect(backend.put('c', Buffer.alloc(1))).rejects.toThrow('not a CairnError');

    expect(backend.snapshot()).toEqual({
      operations: {
        get: { ok: 2, NOT_FOUND: 1 },
        getStream: { ok: 1 },
        put: { ok: 2, error: 1 },
        head: { ok: 2, UNAVAILABLE: 1 },
        list: { ok: 1 },
        delete: { ok: 1 },
      },
      bytesIn: 100 + 20 + 50,
      bytesOut: 150,
    });
  });

  it('tells the callback about each operation with its duration', async () => {
    const backend = instrumented();
    await backend.put('a', Buffer.alloc(10));
    await expect(backend.get('zz')).rejects.toThrow();
    expect(operations.map(({ error: _error, ...rest }) => rest)).toEqual([
      { backend: flaky.name, verb: 'put', key: 'a', result: 'ok', bytes: 10, durationMs: 5 },
      { backend: flaky.name, verb: 'get', key: 'zz', result: 'NOT_FOUND', bytes: 0, durationMs: 5 },
    ]);
    expect(operations[1]?.error).toBeInstanceOf(ObjectNotFoundError);
  });

  it('counts a stream read that is cut, with the bytes that arrived', async () => {
    await flaky.inner.put('p', Buffer.alloc(1000));
    flaky.failNext('getStream', new BackendUnavailableError('cut'), { after: 300 });
    const backend = instrumented();
    await expect(readAll(await backend.getStream('p'))).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(backend.snapshot().operations.getStream).toEqual({ UNAVAILABLE: 1 });
    expect(backend.snapshot().bytesIn).toBe(300);
  });

  it('gives snapshots that later operations do not change', async () => {
    const backend = instrumented();
    const before = backend.snapshot();
    await backend.put('a', Buffer.alloc(1));
    expect(before.operations.put).toEqual({});
    expect(before.bytesOut).toBe(0);
  });

  it('is not broken by a failing callback', async () => {
    const backend = instrumented(() => {
      throw new Error('logger fell over');
    });
    await expect(backend.put('a', Buffer.alloc(1))).resolves.toEqual({ size: 1 });
    expect(backend.snapshot().operations.put).toEqual({ ok: 1 });
  });
});
