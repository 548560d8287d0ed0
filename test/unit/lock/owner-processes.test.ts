import fs from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli, startCli, type CliProcess } from '../../helpers/cli';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

/**
 * One repository, many local clients (real processes): CLI commands go through the engine that
 * owns the repository, a dead owner's lock is taken over, and two owners never coexist.
 */
const temps: TempDir[] = [];
const running: CliProcess[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await p.stop('SIGKILL').catch(() => undefined);
  for (const t of temps.splice(0)) await t.remove();
});

async function temp(label: string) {
  const t = await makeTempDir(label);
  temps.push(t);
  return t;
}

const guardMs = 60_000;

async function startServe(repo: string): Promise<CliProcess> {
  const serve = startCli(['--repo', repo, 'serve', '--port', '0', '--json'], { guardMs });
  running.push(serve);
  await serve.waitForJson();
  return serve;
}

describe('the CLI beside a running engine', () => {
  it('sends commands to the owning engine: concurrent adds land exactly once, the manifest log has no gaps', async () => {
    const repo = await temp('repo');
    const serve = await startServe(repo.path);
    const src = await temp('src');
    const files = await Promise.all(Array.from({ length: 5 }, (_, i) => src.write(`file-${i}.txt`, `content of file ${i}\n`.repeat(1000 + i))));
    // Five different files, plus the first one again from a sixth process: identical content
    // must not make a second version.
    const results = await Promise.all([...files, files[0]!].map((file) => runCli(['--repo', repo.path, '--json', 'add', file], { guardMs })));
    for (const r of results) expect(r.code, r.stderr).toBe(0);

    const all = await runCli(['--repo', repo.path, '--json', 'log', '--all'], { guardMs });
    const artifacts = (parseJsonOutput(all.stdout) as { artifacts: Array<{ name: string; versionCount: number }> }).artifacts;
    expect(artifacts.map((a) => a.name).sort()).toEqual(files.map((f) => f.split('/').pop()).sort());
    for (const a of artifacts) expect(a.versionCount).toBe(1);

    const check = await runCli(['--repo', repo.path, '--json', 'check', '--read-data'], { guardMs });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect((parseJsonOutput(check.stdout) as { trees: number }).trees).toBe(5);

    // One writer wrote the manifest log: sequence numbers 1..n, no gaps, no duplicates.
    const devices = await fs.readdir(repo.join('manifest'));
    const logs = devices.filter((d) => /^[0-9a-f]{32}$/.test(d));
    expect(logs).toHaveLength(1);
    const seqs = (await fs.readdir(repo.join('manifest', logs[0]!))).map(Number).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    await serve.stop();
  });

  it('takes over the lock of a killed owner and succeeds', async () => {
    const repo = await temp('repo');
    const serve = await startServe(repo.path);
    await serve.stop('SIGKILL');
    const src = await temp('src');
    await src.write('a.txt', 'hello');
    const result = await runCli(['--repo', repo.path, '--json', 'snapshot', src.path], { guardMs });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/took over the repository lock left by pid/);
  });

  it('of two engines started at once exactly one owns the repository; the other says who does', async () => {
    const repo = await temp('repo');
    await runCli(['--repo', repo.path, 'init'], { guardMs });
    const a = startCli(['--repo', repo.path, 'serve', '--port', '0', '--json'], { guardMs });
    const b = startCli(['--repo', repo.path, 'serve', '--port', '0', '--json'], { guardMs });
    running.push(a, b);
    // The loser exits by itself; the winner keeps serving.
    const loser = await Promise.race([a.exited.then(() => a), b.exited.then(() => b)]);
    const winner = loser === a ? b : a;
    const lost = await loser.exited;
    expect(lost.code).toBe(1);
    expect(lost.stdout + lost.stderr).toMatch(/in use by `cairn serve` \(pid \d+/);
    expect(await winner.waitForJson()).toMatchObject({ url: expect.stringContaining('token=') });
    expect(await fs.readdir(repo.join('local', 'run'))).toContain('owner.lock');
  });
});
