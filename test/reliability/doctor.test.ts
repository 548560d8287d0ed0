/**
 * `cairn doctor`: a healthy setup passes (exit 0) with every area checked; a broken one lists
 * each problem with what to do and exits 1.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandInput, CommandName, CommandOutput } from '../../src-shared/contract';
import { judge } from '../../src-main/engine/doctor/disk-space-check';
import { runDoctor } from '../../src-main/engine/doctor/doctor';
import type { DoctorReport } from '../../src-main/engine/doctor/findings';
import { Engine } from '../../src-main/engine/engine';
import { lockFilePath } from '../../src-main/engine/lock/repository-lock';
import { packKey } from '../../src-main/engine/repo/blob';
import { parseJsonOutput, runCli } from '../helpers/cli';
import { startS3rver, type S3rverInstance } from '../helpers/s3rver';
import { makeTempDir, type TempDir } from '../helpers/tmp';

let dir: TempDir;
let s3: S3rverInstance;
let repo: string;

beforeAll(async () => {
  dir = await makeTempDir('doctor');
  s3 = await startS3rver({ buckets: ['backups'] });
  repo = dir.join('repo');
  const engine = new Engine({ repositoryPath: repo, createIfMissing: true });
  await engine.start();
  await dir.write('src/a.bin', crypto.randomBytes(50_000));
  await engine.call('catalogue.add', { path: dir.join('src/a.bin') }, { transport: 'test' });
  await engine.call('endpoints.add', { name: 's3', url: s3.endpoint, bucket: 'backups', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, { transport: 'test' });
  await engine.stop();
}, 60_000);

afterAll(async () => {
  await s3?.stop();
  await dir?.remove();
});

const doctor = (repository: string, env: NodeJS.ProcessEnv = {}) => runCli(['doctor', '--json', '--repo', repository], { env: { CAIRN_CONFIG_DIR: dir.join('config'), ...env }, guardMs: 60_000 });

describe('cairn doctor', () => {
  it('passes on a healthy setup, having checked every area', async () => {
    const result = await doctor(repo);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = parseJsonOutput(result.stdout) as DoctorReport;
    expect(report.ok).toBe(true);
    expect(report.findings.filter((f) => f.status !== 'ok')).toEqual([]);
    expect(new Set(report.findings.map((f) => f.area))).toEqual(new Set(['lock', 'repository', 'endpoints', 'clock', 'watchers', 'disk', 'leftovers']));
    expect(report.findings.find((f) => f.area === 'clock')?.message).toMatch(/Clocks agree/);
  }, 60_000);

  it('lists each problem with what to do, and exits 1', async () => {
    const broken = dir.join('broken');
    await fs.cp(repo, broken, { recursive: true });
    // A pack damaged on disk, a temp file a crash left a day ago, an endpoint whose bucket is gone,
    // a watched folder that disappeared, and a lock left by a process that no longer runs.
    const packFile = (await fs.readdir(path.join(broken, 'packs'), { recursive: true })).map(String).find((f) => /[0-9a-f]{64}$/.test(f))!;
    const packId = path.basename(packFile);
    await fs.writeFile(path.join(broken, ...packKey(packId).split('/')), Buffer.from('not a pack any more'));
    const leftover = path.join(broken, 'packs', '.tmp-0123456789abcdef');
    await fs.writeFile(leftover, 'half');
    const dayAgo = new Date(Date.now() - 24 * 3600_000);
    await fs.utimes(leftover, dayAgo, dayAgo);
    const endpoints = JSON.parse(await fs.readFile(path.join(broken, 'local/endpoints.json'), 'utf8')) as { endpoints: Array<{ bucket: string }> };
    endpoints.endpoints[0]!.bucket = 'no-such-bucket';
    await fs.writeFile(path.join(broken, 'local/endpoints.json'), JSON.stringify(endpoints));
    const config = dir.join('broken-config');
    await fs.mkdir(config, { recursive: true });
    await fs.writeFile(
      path.join(config, 'watched-folders.json'),
      JSON.stringify({ format: 'cairn-watched-folders', version: 1, folders: [{ id: 'gone', path: dir.join('unplugged-disk/models'), collection: 'models', mode: 'draft', bundles: false, typeRules: [], paused: false }] }),
    );
    await fs.mkdir(path.dirname(lockFilePath(path.join(broken, 'local'))), { recursive: true });
    await fs.writeFile(lockFilePath(path.join(broken, 'local')), JSON.stringify({ pid: 2 ** 22 + 17, host: os.hostname(), startedAt: new Date().toISOString(), nonce: 'n', socket: null, purpose: 'a crashed command' }));

    const result = await doctor(broken, { CAIRN_CONFIG_DIR: config });
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const report = parseJsonOutput(result.stdout) as DoctorReport;
    expect(report.ok).toBe(false);
    const by = (area: string, status: string) => report.findings.filter((f) => f.area === area && f.status === status);
    expect(by('lock', 'warning')[0]?.message).toContain('no longer runs');
    expect(by('repository', 'problem').some((f) => f.message.includes(packId) && f.fix?.includes('cairn verify'))).toBe(true);
    expect(by('endpoints', 'problem').some((f) => f.message.includes('no-such-bucket') && f.fix?.includes('cairn endpoint test s3'))).toBe(true);
    expect(by('watchers', 'problem')[0]?.message).toContain('unplugged-disk/models');
    expect(by('leftovers', 'warning')[0]?.message).toContain('.tmp-0123456789abcdef');
    for (const f of report.findings.filter((x) => x.status !== 'ok')) expect(f.fix, f.message).toBeTruthy();
  }, 60_000);

  it('says who holds a lock from another machine, and does not break it', async () => {
    const locked = dir.join('locked');
    await fs.cp(repo, locked, { recursive: true });
    const file = lockFilePath(path.join(locked, 'local'));
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify({ pid: 4242, host: 'workstation-far-away', startedAt: new Date().toISOString(), nonce: 'n', socket: null, purpose: '`cairn serve`' }));
    const report = await runDoctor({
      repositoryPath: locked,
      openEngine: async () => {
        const engine = new Engine({ repositoryPath: locked, lock: { purpose: 'the doctor test' } });
        await engine.start();
        return { call: <C extends CommandName>(name: C, input: CommandInput<C>) => engine.call(name, input, { transport: 'test' }) as Promise<CommandOutput<C>>, close: () => engine.stop() };
      },
    });
    const lock = report.findings.find((f) => f.area === 'lock')!;
    expect(lock).toMatchObject({ status: 'problem', message: expect.stringContaining('workstation-far-away') });
    expect(lock.fix).toContain(file);
    expect(report.findings.find((f) => f.area === 'repository')).toMatchObject({ status: 'warning', message: expect.stringContaining('not checked') });
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ host: 'workstation-far-away' });
  });

  it('judges free disk space by bytes and by share', () => {
    const thresholds = { problemBytes: 100, problemShare: 0.01, warningBytes: 1000, warningShare: 0.05 };
    expect(judge(50, 1_000_000, thresholds).status).toBe('problem');
    expect(judge(5_000, 1_000_000, thresholds).status).toBe('problem');
    expect(judge(20_000, 1_000_000, thresholds).status).toBe('warning');
    expect(judge(200_000, 1_000_000, thresholds)).toMatchObject({ status: 'ok', message: expect.stringContaining('free of') });
    expect(judge(50, 1_000_000, thresholds).fix).toContain('cairn gc');
  });
});
