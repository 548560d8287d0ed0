/** `job.progress` of backups and verifies names the endpoint, so clients attribute progress without guessing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../src-shared/contract';
import { Engine } from '../../../src-main/engine/engine';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

const ctx = { transport: 'test' };
let dir: TempDir;
let engine: Engine;

beforeAll(async () => {
  dir = await makeTempDir('job-subject');
  engine = new Engine({ repositoryPath: dir.join('repo'), createIfMissing: true });
  await engine.start();
  await engine.call('catalogue.add', { path: await dir.write('files/a.txt', 'some bytes to back up\n') }, ctx);
  for (const name of ['first', 'second']) {
    await engine.call('endpoints.add', { name, url: `file://${dir.join(`endpoints/${name}`)}`, bucket: 'bucket', accessKeyId: 'k', secretAccessKey: 's' }, ctx);
  }
});

afterAll(async () => {
  await engine?.stop();
  await dir?.remove();
});

describe('job.progress subject', () => {
  it('is the endpoint of a backup and of a verify', async () => {
    const seen: EventPayload<'job.progress'>[] = [];
    const stop = engine.events.subscribe((event, payload) => {
      if (event === 'job.progress') seen.push(payload as EventPayload<'job.progress'>);
    });
    try {
      await Promise.all([engine.call('backup.run', { endpoint: 'first' }, ctx), engine.call('backup.run', { endpoint: 'second' }, ctx)]);
      await engine.call('backup.verify', { endpoint: 'second' }, ctx);
    } finally {
      stop();
    }
    const subjects = (kind: string) => new Set(seen.filter((p) => p.kind === kind).map((p) => p.subject));
    expect(subjects('backup')).toEqual(new Set(['first', 'second']));
    expect(subjects('verify')).toEqual(new Set(['second']));
    // One job id per endpoint: progress of one never carries the other's name.
    const byJob = new Map<string, Set<string | undefined>>();
    for (const p of seen) byJob.set(p.jobId, (byJob.get(p.jobId) ?? new Set()).add(p.subject));
    for (const names of byJob.values()) expect(names.size).toBe(1);
  });
});
