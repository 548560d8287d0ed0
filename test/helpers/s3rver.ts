import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** A running s3rver on a random loopback port, for tests. */
export interface S3rverInstance {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** Where it keeps its objects. */
  directory: string;
  /** Creates a bucket (s3rver ignores signatures, so a bare PUT does it). */
  createBucket(name: string): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/**
 * s3rver 3.x builds listing continuation tokens with DES, which Node 20's OpenSSL 3 only offers
 * with `--openssl-legacy-provider`. That flag cannot be turned on inside a running process (nor
 * in a vitest worker), so the server runs as a child process started with it. The child prints
 * its port on stdout and exits when its stdin closes, so a crashed test run leaves no server.
 */
const childScript = `
const S3rver = require(process.env.CAIRN_S3RVER_MODULE);
const config = JSON.parse(process.env.CAIRN_S3RVER_CONFIG);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: config.directory,
  configureBuckets: config.buckets.map((name) => ({ name })),
});
server.run().then(
  (address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'),
  (err) => { console.error(err); process.exit(1); },
);
const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
`;

export async function startS3rver(options: { buckets?: string[] } = {}): Promise<S3rverInstance> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'cairn-s3rver-'));
  const modulePath = createRequire(import.meta.url).resolve('s3rver');
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', childScript], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      CAIRN_S3RVER_MODULE: modulePath,
      CAIRN_S3RVER_CONFIG: JSON.stringify({ directory, buckets: options.buckets ?? [] }),
    },
  });
  let port: number;
  try {
    port = await readPort(child);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    directory,
    async createBucket(name: string) {
      const response = await fetch(`${endpoint}/${encodeURIComponent(name)}`, { method: 'PUT' });
      if (!response.ok) throw new Error(`s3rver refused to create bucket ${name}: HTTP ${response.status} ${await response.text()}`);
    },
    async stop() {
      await stopChild(child);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

function readPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      const parsed = JSON.parse(line) as { port?: unknown };
      if (typeof parsed.port === 'number') resolve(parsed.port);
      else reject(new Error(`s3rver printed no port: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code} before listening:\n${stderr}`)));
    child.once('error', reject);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.stdin?.end();
    child.kill('SIGTERM');
  });
}
