import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { describe } from 'vitest';
import { createS3Client } from '../../src-main/engine/backends/s3-client';
import { projectRoot } from '../helpers/cli';

const run = promisify(execFile);

/** The S3 credentials scripts/swift/start.sh configures (tempauth user test:tester). */
export const swiftCredentials = { accessKeyId: 'test:tester', secretAccessKey: 'testing', region: 'us-east-1' } as const;

/** A single-node Swift with s3api on loopback, started by scripts/swift/start.sh. */
export interface SwiftInstance {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Where its configuration, objects and logs live. */
  stateDir: string;
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

const requiredCommands = ['swift-proxy-server', 'swift-account-server', 'swift-container-server', 'swift-object-server', 'swift-ring-builder', 'memcached'];

/** Why the Swift suites cannot run here, or null when Swift is installed. */
export function swiftUnavailableReason(): string | null {
  const missing = requiredCommands.filter((command) => !['/usr/bin', '/usr/local/bin', '/usr/sbin'].some((dir) => existsSync(path.join(dir, command))));
  if (missing.length === 0) return null;
  return `Swift is not installed (${missing.join(', ')} missing; apt-get install swift swift-proxy swift-account swift-container swift-object memcached)`;
}

/**
 * `describe` when Swift is installed; otherwise `describe.skip` with the reason in its name, so
 * a local run without Swift shows plainly what it did not test.
 */
export function describeWithSwift(name: string, body: () => void): void {
  const reason = swiftUnavailableReason();
  if (reason === null) describe(name, body);
  else describe.skip(`${name} — SKIPPED: ${reason}`, body);
}

/** Starts Swift (about 10-20 s on two busy cores). */
export async function startSwift(): Promise<SwiftInstance> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'cairn-swift-'));
  const scripts = path.join(projectRoot, 'scripts/swift');
  let stdout: string;
  try {
    ({ stdout } = await run(path.join(scripts, 'start.sh'), [stateDir], { timeout: 120_000 }));
  } catch (err) {
    const failure = err as { stderr?: string; message: string };
    throw new Error(`scripts/swift/start.sh failed: ${failure.stderr ?? failure.message}`, { cause: err });
  }
  const endpoint = stdout.trim().split('\n').pop()!;
  const client = await createS3Client({ endpoint, ...swiftCredentials });
  return {
    endpoint,
    stateDir,
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async stop() {
      client.destroy();
      await run(path.join(scripts, 'stop.sh'), [stateDir], { timeout: 30_000 });
    },
  };
}
