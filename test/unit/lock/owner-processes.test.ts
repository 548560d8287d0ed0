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
  it('sends commands to the owning engine: concurrent snapshots all land, check passes', async () => {
    const repo = await temp('repo');
    const serve = await startServe(repo.path);
    const sources = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        const src = await temp(`src${i}`);
        await src.write(`file-${i}.txt`, `content of file ${i}\n`.repeat(1000 + i));
        return src.path;
      }),
    );
    const results = await Promise.all(sources.map((src) => runCli(['--repo', repo.path, '--json', 'snapshot', src], { guardMs })));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const trees = new Set(results.map((r) => (parseJsonOutput(r.stdout) as { treeId: string }).treeId));
    expect(trees.size).toBe(5);
    // The owner did the work: its log names each snapshot request's transport.
    const check = await runCli(['--repo', repo.path, '--json', 'check', '--read-data'], { guardMs });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect((parseJsonOutput(check.stdout) as { trees: number }).trees).toBe(5);
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
