import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CairnError } from '../../../src-shared/errors';
import { BackUpNow, type BackupEngine } from '../../../src-main/electron/back-up-now';

const endpoint = (name: string, role: 'backup' | 'sync') => ({ name, url: 'http://127.0.0.1:9000', region: 'us-east-1', bucket: 'b', prefix: '', role, bandwidthLimit: 0, mirror: false, source: 'settings' });
const report = (name: string, result: 'ok' | 'failed', error?: string) => ({
  jobId: `job-${name}`,
  endpoint: name,
  startedAt: new Date(0).toISOString(),
  finishedAt: new Date(0).toISOString(),
  objectsUploaded: 1,
  bytesUploaded: 10,
  objectsAlreadyThere: 0,
  durationMs: 5,
  result,
  ...(error && { error }),
});

let endpoints: ReturnType<typeof endpoint>[];
const call = vi.fn();
const log = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const engine = { call, log } as unknown as BackupEngine;

beforeEach(() => {
  endpoints = [endpoint('office', 'backup'), endpoint('laptop-sync', 'sync'), endpoint('offsite', 'backup')];
  call.mockReset();
  call.mockImplementation(async (name: string, input: { endpoint?: string }) => {
    if (name === 'endpoints.list') return { endpoints };
    if (name === 'backup.run') return report(input.endpoint!, 'ok');
    throw new Error(`unexpected ${name}`);
  });
  for (const fn of Object.values(log)) fn.mockClear();
});

describe('BackUpNow', () => {
  it('runs backup.run on every backup endpoint, one after another, through the contract', async () => {
    await expect(new BackUpNow(engine).run()).resolves.toEqual({ endpoints: ['office', 'offsite'], failed: [] });
    expect(call.mock.calls.map(([name, input]) => [name, input])).toEqual([
      ['endpoints.list', {}],
      ['backup.run', { endpoint: 'office' }],
      ['backup.run', { endpoint: 'offsite' }],
    ]);
    expect(log.error).not.toHaveBeenCalled();
  });

  it('logs each failure at level error (so the tray and a notification show it) and goes on', async () => {
    call.mockImplementation(async (name: string, input: { endpoint?: string }) => {
      if (name === 'endpoints.list') return { endpoints };
      if (input.endpoint === 'office') throw new CairnError('UNAVAILABLE', 'endpoint unreachable');
      return report(input.endpoint!, 'failed', 'quota exceeded');
    });
    await expect(new BackUpNow(engine).run()).resolves.toEqual({ endpoints: ['office', 'offsite'], failed: ['office', 'offsite'] });
    expect(log.error.mock.calls.map(([message]) => message)).toEqual([
      'backup to "office" failed: endpoint unreachable',
      'backup to "offsite" failed: quota exceeded',
    ]);
  });

  it('says so when no backup endpoint is set up', async () => {
    endpoints = [endpoint('laptop-sync', 'sync')];
    await expect(new BackUpNow(engine).run()).resolves.toEqual({ endpoints: [], failed: [] });
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('no backup endpoint'), 'desktop');
  });

  it('runs once however often it is clicked while running', async () => {
    const backup = new BackUpNow(engine);
    const first = backup.run();
    expect(backup.run()).toBe(first);
    expect(backup.isRunning).toBe(true);
    await first;
    expect(backup.isRunning).toBe(false);
    expect(call.mock.calls.filter(([name]) => name === 'endpoints.list')).toHaveLength(1);
  });

  it('reports an engine that cannot list endpoints', async () => {
    call.mockRejectedValue(new Error('engine is stopping'));
    await expect(new BackUpNow(engine).run()).resolves.toEqual({ endpoints: [], failed: [] });
    expect(log.error).toHaveBeenCalledWith('Back up now: could not list the endpoints: engine is stopping', 'desktop');
  });
});
