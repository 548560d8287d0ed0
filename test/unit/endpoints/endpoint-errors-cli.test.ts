import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../helpers/cli';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy';
import { startS3rver, type S3rverInstance } from '../../helpers/s3rver';
import { Scratch } from '../replicate/replication-fixtures';

/**
 * Each way an endpoint can be unusable gets its own message, from `cairn endpoint test` and from
 * `cairn backup`, saying what is wrong and what to do. s3rver ignores signatures but refuses
 * an access key other than its own (S3RVER), which is the wrong-credentials case here; test/swift
 * has a wrong secret against a server that checks signatures.
 */
let server: S3rverInstance;
const proxies: FaultProxy[] = [];
const scratch = new Scratch();

beforeAll(async () => {
  server = await startS3rver({ buckets: ['vault'] });
});
afterAll(async () => {
  for (const proxy of proxies) await proxy.stop();
  await scratch.cleanup();
  await server?.stop();
});

async function closedPort(): Promise<string> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

interface Scenario {
  name: string;
  url: string;
  bucket: string;
  accessKey?: string;
  failingCheck: string;
  checkMessage: RegExp;
  backupMessage: RegExp;
  backupHint: RegExp;
}

async function scenarios(): Promise<Scenario[]> {
  const skewed = await startFaultProxy({ target: server.endpoint, dateSkewMs: 2 * 60 * 60 * 1000 });
  proxies.push(skewed);
  const unreachable = await closedPort();
  return [
    {
      name: 'unknown bucket',
      url: server.endpoint,
      bucket: 'no-such-bucket',
      failingCheck: 'bucket',
      checkMessage: /Bucket "no-such-bucket" does not exist: create it, or fix the bucket name/,
      backupMessage: /Bucket "no-such-bucket" does not exist at http:\/\/127\.0\.0\.1:\d+\./,
      backupHint: /Create the bucket, or correct the bucket name/,
    },
    {
      name: 'unreachable endpoint',
      url: unreachable,
      bucket: 'vault',
      failingCheck: 'reach',
      checkMessage: new RegExp(`Cannot reach ${unreachable}: ECONNREFUSED`),
      backupMessage: new RegExp(`Cannot reach endpoint "default" at ${unreachable} \\(ECONNREFUSED\\)`),
      backupHint: /Check the URL, your network, and that the server is running/,
    },
    {
      name: 'wrong credentials',
      url: server.endpoint,
      bucket: 'vault',
      accessKey: 'AKIDNOTKNOWNHERE',
      failingCheck: 'credentials',
      checkMessage: /refused the credentials: .*refused access to bucket "vault" \(InvalidAccessKeyId\)/,
      backupMessage: /refused access to bucket "vault" \(InvalidAccessKeyId\)/,
      backupHint: /Check the access key ID and secret access key/,
    },
    {
      name: 'skewed clock',
      url: skewed.endpoint,
      bucket: 'vault',
      failingCheck: 'clock',
      checkMessage: /This computer's clock is \d+ s behind the server's/,
      backupMessage: /This computer's clock is \d+ s behind the clock of endpoint "default"/,
      backupHint: /Set this computer's date and time correctly/,
    },
  ];
}

describe('endpoint problems, from `cairn endpoint test` and `cairn backup`', () => {
  it('says distinctly and actionably what is wrong: unknown bucket, unreachable, wrong credentials, skewed clock', async () => {
    const cases = await scenarios();
    const results = await Promise.all(
      cases.map(async (scenario) => {
        const { dir } = await scratch.vault({ encrypted: false });
        const env = { ARTIFACT_ENDPOINT: scenario.url, ARTIFACT_BUCKET: scenario.bucket, ARTIFACT_ACCESS_KEY: scenario.accessKey ?? 'S3RVER', ARTIFACT_SECRET_KEY: 'S3RVER' };
        const run = (args: string[]) => runCli(['--repo', dir.path, ...args], { env, guardMs: 60_000 });
        const test = await run(['--json', 'endpoint', 'test', 'default']);
        const backup = await run(['backup', '--to', 'default']);
        return { scenario, test, backup };
      }),
    );
    const backupMessages = new Set<string>();
    for (const { scenario, test, backup } of results) {
      const report = JSON.parse(test.stdout) as { ok: boolean; checks: Array<{ name: string; ok: boolean; message: string }> };
      expect(test.code, scenario.name).toBe(1);
      expect(report.ok, scenario.name).toBe(false);
      const firstFailure = report.checks.find((c) => !c.ok)!;
      expect(firstFailure.name, scenario.name).toBe(scenario.failingCheck);
      expect(firstFailure.message, scenario.name).toMatch(scenario.checkMessage);

      expect(backup.code, describeRun(scenario.name, backup)).toBe(1);
      const [message, hint] = backup.stderr.trim().split('\n').filter((line) => line.startsWith('cairn:') || line.startsWith('  '));
      expect(message, describeRun(scenario.name, backup)).toMatch(scenario.backupMessage);
      expect(hint, describeRun(scenario.name, backup)).toMatch(scenario.backupHint);
      backupMessages.add(message!.replace(/\d+/g, 'N'));
    }
    expect(backupMessages.size).toBe(cases.length);
  }, 120_000);
});

function describeRun(name: string, result: CliResult): string {
  return `${name}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}
