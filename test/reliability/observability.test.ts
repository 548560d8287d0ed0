/**
 * Observability: the engine's log as rotated JSON lines on disk, and the Prometheus `/metrics`
 * endpoint of server mode (token-protected) with non-zero counters after an ingest and a
 * backup to an S3 endpoint (s3rver).
 */
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src-main/engine/engine';
import { EventBus } from '../../src-main/engine/events';
import { startLogFileSink } from '../../src-main/engine/observability/log-file-sink';
import { startOwningEngine } from '../../src-main/server/owning-engine';
import { startServer, type RunningServer } from '../../src-main/server/server';
import { startS3rver, type S3rverInstance } from '../helpers/s3rver';
import { makeTempDir, type TempDir } from '../helpers/tmp';

let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('observability');
});
afterAll(() => dir?.remove());

async function logLines(file: string): Promise<Array<Record<string, unknown>>> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the log file', () => {
  it('writes each engine.log event as one JSON line and rotates by size, keeping a fixed number of files', async () => {
    const events = new EventBus();
    const logDir = dir.join('rotating');
    const sink = startLogFileSink(events, { dir: logDir, maxBytes: 2000, maxFiles: 3 });
    for (let i = 0; i < 200; i++) events.emit('engine.log', { level: i % 2 ? 'info' : 'warn', message: `line ${i}`, time: new Date(0).toISOString(), area: 'test' });
    events.emit('job.progress', { jobId: 'x', kind: 'backup', phase: 'p', done: 1, total: 2 });
    await sink.stop();

    expect((await fs.readdir(logDir)).sort()).toEqual(['cairn.log', 'cairn.log.1', 'cairn.log.2']);
    const files = [`${sink.file}.2`, `${sink.file}.1`, sink.file];
    const kept: Array<Record<string, unknown>> = [];
    for (const file of files) {
      expect((await fs.stat(file)).size).toBeLessThanOrEqual(2000);
      kept.push(...(await logLines(file)));
    }
    // Oldest first across the files, the newest line last, nothing but log lines.
    expect(kept.at(-1)).toMatchObject({ level: 'info', area: 'test', message: 'line 199', pid: process.pid });
    const numbers = kept.map((line) => Number(String(line.message).slice('line '.length)));
    expect(numbers).toEqual(numbers.map((_, i) => 200 - numbers.length + i));
  });

  it('is written by an owning engine from its start-up on', async () => {
    const logDir = dir.join('owner-logs');
    const owner = await startOwningEngine({ purpose: 'the observability test', repositoryPath: dir.join('owner-repo'), createIfMissing: true, logDir });
    owner.engine.log.warn('a warning worth keeping', 'test');
    await owner.stop();
    const lines = await logLines(`${logDir}/cairn.log`);
    expect(lines.map((l) => l.message)).toEqual(expect.arrayContaining([expect.stringContaining('created a new repository'), expect.stringContaining('engine started'), 'a warning worth keeping']));
    expect(lines.find((l) => l.message === 'a warning worth keeping')).toMatchObject({ level: 'warn', area: 'test' });
  });
});

describe('/metrics in server mode', () => {
  const token = 'metrics-test-token-0123456789';
  let s3: S3rverInstance;
  let engine: Engine;
  let server: RunningServer;

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: ['metrics'] });
    engine = new Engine({ repositoryPath: dir.join('metrics-repo'), createIfMissing: true });
    await engine.start();
    await dir.write('renderer/index.html', '<!doctype html><title>metrics</title>');
    server = await startServer({ engine, rendererDir: dir.join('renderer'), token });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await engine?.stop();
    await s3?.stop();
  });

  const scrape = (headers: Record<string, string> = { Authorization: `Bearer ${token}` }) => fetch(`${server.url}/metrics`, { headers });

  /** The value of one sample, e.g. `cairn_commands_total{command="catalogue.add",result="ok"}`. */
  function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
    for (const line of text.split('\n')) {
      if (line.startsWith('#')) continue;
      const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
    }
    return undefined;
  }

  it('refuses a scrape without the token', async () => {
    expect((await scrape({})).status).toBe(401);
    expect((await scrape({ Authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('counts an ingest and a backup to an S3 endpoint', async () => {
    await dir.write('source/model.bin', Buffer.alloc(300_000, 7));
    await engine.call('catalogue.add', { path: dir.join('source/model.bin') }, { transport: 'test' });
    await engine.call('catalogue.add', { path: dir.join('source/model.bin'), name: 'copy.bin' }, { transport: 'test' });
    await engine.call('endpoints.add', { name: 's3', url: s3.endpoint, bucket: 'metrics', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, { transport: 'test' });
    const job = (await engine.call('backup.run', { endpoint: 's3' }, { transport: 'test' })) as { objectsUploaded: number; bytesUploaded: number };
    expect(job.objectsUploaded).toBeGreaterThan(0);
    await expect(engine.call('catalogue.versions.get', { version: 'no-such-artifact' }, { transport: 'test' })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(sample(text, 'cairn_commands_total', { command: 'catalogue.add', result: 'ok' })).toBe(2);
    expect(sample(text, 'cairn_commands_total', { command: 'backup.run', result: 'ok' })).toBe(1);
    expect(sample(text, 'cairn_commands_total', { command: 'catalogue.versions.get', result: 'NOT_FOUND' })).toBe(1);
    expect(sample(text, 'cairn_errors_total', { code: 'NOT_FOUND', source: 'command' })).toBe(1);
    expect(sample(text, 'cairn_ingested_bytes_total')).toBe(600_000);
    // The second add stored the same content again: nothing new, so half of all ingested bytes deduplicated.
    expect(sample(text, 'cairn_dedupe_ratio')).toBeGreaterThanOrEqual(0.5);
    expect(sample(text, 'cairn_endpoint_uploaded_bytes_total', { endpoint: 's3' })).toBeGreaterThanOrEqual(job.bytesUploaded);
    // The backup copies, then records the job in the manifest and sends that record too.
    expect(sample(text, 'cairn_backend_operations_total', { target: 'endpoint', endpoint: 's3', verb: 'put', result: 'ok' })).toBeGreaterThanOrEqual(job.objectsUploaded);
    expect(sample(text, 'cairn_backend_operations_total', { target: 'repository', verb: 'put', result: 'ok' })).toBeGreaterThan(0);
    expect(sample(text, 'cairn_endpoint_queue_depth', { endpoint: 's3' })).toBe(0);
    expect(sample(text, 'cairn_command_duration_seconds_count', { command: 'catalogue.add' })).toBe(2);
    // No sync endpoint yet: no sync samples.
    expect(sample(text, 'cairn_sync_seconds_since_last_round')).toBeUndefined();
  }, 60_000);

  it('reports how long ago the last sync round ran, and whether it succeeded', async () => {
    await engine.call('endpoints.add', { name: 'bucket', url: `file://${dir.join('sync-bucket')}`, bucket: 'shared', accessKeyId: 'unused', secretAccessKey: 'unused', role: 'sync' }, { transport: 'test' });
    await engine.call('sync.now', {}, { transport: 'test' });
    const text = await (await scrape()).text();
    expect(sample(text, 'cairn_sync_last_round_ok', { endpoint: 'bucket' })).toBe(1);
    const age = sample(text, 'cairn_sync_seconds_since_last_round', { endpoint: 'bucket' });
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(600);
  }, 60_000);
});
