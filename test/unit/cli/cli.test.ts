import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../../src-shared/contract';
import { wireErrorSchema } from '../../../src-shared/wire-errors';
import packageJson from '../../../package.json';
import { parseJsonOutput, runCli, startCli } from '../../helpers/cli';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

let dir: TempDir;
let repo: string;
let rendererDir: string;

beforeAll(async () => {
  dir = await makeTempDir('cli');
  repo = dir.join('repo');
  await dir.write('ui/index.html', '<!doctype html><title>cli test ui</title>');
  rendererDir = dir.join('ui');
});

afterAll(() => dir.remove());

const failure = (stdout: string) =>
  (parseJsonOutput(stdout) as { ok: boolean; error: unknown } | undefined) ?? { ok: true, error: undefined };

describe('cairn status', () => {
  it('prints the status as JSON with --json', async () => {
    const result = await runCli(['status', '--json', '--repo', repo]);
    expect(result.code, result.stderr).toBe(0);
    const status = commands['engine.status'].output.strict().parse(parseJsonOutput(result.stdout));
    expect(status.version).toBe(packageJson.version);
    expect(status.repositoryPath).toBe(repo);
    expect(status.nodeVersion).toBe(process.versions.node);
  });

  it('takes the repository from CAIRN_REPO when --repo is not given', async () => {
    const result = await runCli(['status', '--json'], { env: { CAIRN_REPO: repo } });
    expect(result.code, result.stderr).toBe(0);
    expect(parseJsonOutput(result.stdout)).toMatchObject({ repositoryPath: repo });
  });

  it('prints a human summary without --json', async () => {
    const result = await runCli(['status', '--repo', repo]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Cairn ${packageJson.version}`);
    expect(result.stdout).toContain(`repository  ${repo}`);
  });

  it('prints the version with --version', async () => {
    const result = await runCli(['--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(packageJson.version);
  });
});

describe('usage errors exit with 2', () => {
  it('refuses an unknown command', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
    expect(result.stdout).toBe('');
  });

  it('refuses an unknown option', async () => {
    const result = await runCli(['status', '--frobnicate']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain("unknown option '--frobnicate'");
  });

  it('refuses a port that is not a port', async () => {
    const result = await runCli(['serve', '--port', 'eighty', '--renderer-dir', rendererDir, '--repo', repo]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('--port must be a whole number from 0 to 65535, not "eighty"');
  });
});

describe('cairn serve', () => {
  it('prints a URL with a token (--json) that answers, and stops cleanly on SIGTERM', async () => {
    const serve = startCli(['serve', '--port', '0', '--json', '--repo', repo, '--renderer-dir', rendererDir]);
    try {
      const printed = (await serve.waitForJson()) as { url: string; port: number; repositoryPath: string };
      expect(printed.repositoryPath).toBe(repo);
      const url = new URL(printed.url);
      expect(url.hostname).toBe('127.0.0.1');
      expect(Number(url.port)).toBe(printed.port);
      const token = url.searchParams.get('token');
      expect(token).toMatch(/^[A-Za-z0-9_-]{32,}$/);

      const page = await fetch(printed.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('cli test ui');

      const api = await fetch(new URL('/api/engine.status', url), { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{}' });
      expect(api.status).toBe(200);
      expect(await api.json()).toMatchObject({ ok: true, output: { repositoryPath: repo, version: packageJson.version } });

      const refused = await fetch(new URL('/api/engine.status', url), { method: 'POST', body: '{}' });
      expect(refused.status).toBe(401);
    } finally {
      const exit = await serve.stop('SIGTERM');
      expect(exit.code).toBe(0);
    }
  });

  it('prints the URL to open for people, with logs on stderr', async () => {
    const serve = startCli(['serve', '--port', '0', '--repo', repo, '--renderer-dir', rendererDir]);
    try {
      const openUrl = await serve.waitFor((out) => /^Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(out)?.[1], 'the URL to open');
      expect(serve.stdout).toContain(`Cairn is serving ${repo}`);
      expect((await fetch(openUrl)).status).toBe(200);
    } finally {
      expect((await serve.stop('SIGINT')).code).toBe(0);
    }
    expect(serve.stderr).toContain('engine started');
  });
});

describe('failing commands exit with 1 and say what to do', () => {
  it('reports a missing user interface folder', async () => {
    const missing = dir.join('no-such-ui');
    const result = await runCli(['serve', '--repo', repo, '--renderer-dir', missing]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`The built user interface was not found in ${missing} (given by --renderer-dir`);
    expect(result.stderr).toContain('npm run build');
    expect(result.stdout).toBe('');
  });

  it('reports the failure as JSON on stdout with --json', async () => {
    const result = await runCli(['serve', '--json', '--repo', repo, '--renderer-dir', dir.join('no-such-ui')]);
    expect(result.code, result.stderr).toBe(1);
    const body = failure(result.stdout);
    expect(body.ok).toBe(false);
    expect(wireErrorSchema.parse(body.error)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a non-loopback host without --allow-remote', async () => {
    const result = await runCli(['serve', '--host', '0.0.0.0', '--repo', repo, '--renderer-dir', rendererDir]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('Refusing to listen on 0.0.0.0');
    expect(result.stderr).toContain('--allow-remote');
  });

  it('reports a port that is already taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const result = await runCli(['serve', '--port', String(port), '--repo', repo, '--renderer-dir', rendererDir]);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use.`);
      expect(result.stderr).not.toContain('bug in Cairn');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
