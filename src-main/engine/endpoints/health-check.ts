import crypto from 'node:crypto';
import { CairnError } from '../../../src-shared/errors';
import type { Backend } from '../backends/backend';
import { ClockSkewError } from '../backends/s3-errors';
import type { EndpointConfig } from './config';

export type CheckName = 'reach' | 'credentials' | 'bucket' | 'writable' | 'clock';

export interface HealthReport {
  ok: boolean;
  checks: Array<{ name: CheckName; ok: boolean; message: string }>;
}

/** Largest clock difference S3 signatures tolerate is 15 minutes; warn well before. */
export const maxSkewMs = 5 * 60 * 1000;

/**
 * Checks an endpoint step by step and says plainly what fails: can we reach it, is our clock
 * close to the server's (signed requests fail otherwise, whatever the credentials), do the
 * credentials work, does the bucket exist, can we write and delete. Later checks are skipped
 * (and say so) when an earlier one fails, so the first failure is the thing to fix.
 */
export async function checkEndpointHealth(endpoint: EndpointConfig, backend: Backend): Promise<HealthReport> {
  const checks: HealthReport['checks'] = [];
  const skip = (names: CheckName[], why: string): HealthReport => {
    for (const name of names) checks.push({ name, ok: false, message: `Not checked: an earlier check failed. ${why[0]!.toUpperCase()}${why.slice(1)}.` });
    return { ok: checks.every((c) => c.ok), checks };
  };

  const clock = await serverClock(endpoint.url);
  if (clock.error) {
    checks.push({ name: 'reach', ok: false, message: `Cannot reach ${endpoint.url}: ${clock.error}. Check the URL, your network, and that the server is running.` });
    return skip(['clock', 'credentials', 'bucket', 'writable'], 'the endpoint cannot be reached');
  }
  checks.push({ name: 'reach', ok: true, message: `${endpoint.url} answers.` });

  const skewMs = clock.skewMs ?? null;
  if (skewMs !== null && Math.abs(skewMs) > maxSkewMs) {
    checks.push({ name: 'clock', ok: false, message: clockMessage(skewMs) });
    return skip(['credentials', 'bucket', 'writable'], "signed requests fail until this computer's clock is set");
  }
  checks.push({
    name: 'clock',
    ok: true,
    message: skewMs === null ? 'The server did not say its time; clock not compared.' : `Clocks agree within ${Math.round(Math.abs(skewMs) / 1000)} s.`,
  });

  try {
    for await (const _ of backend.list('config')) break;
    checks.push({ name: 'credentials', ok: true, message: 'The access key and secret are accepted.' });
    checks.push({ name: 'bucket', ok: true, message: `Bucket "${endpoint.bucket}" exists.` });
  } catch (err) {
    const code = err instanceof CairnError ? err.code : 'INTERNAL';
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof ClockSkewError) {
      checks.pop();
      checks.push({ name: 'clock', ok: false, message: `${message} Set this computer's date and time (enable network time).` });
      return skip(['credentials', 'bucket', 'writable'], "signed requests fail until this computer's clock is set");
    }
    if (code === 'UNAUTHORIZED') {
      checks.push({ name: 'credentials', ok: false, message: `The endpoint refused the credentials: ${message}` });
      return skip(['bucket', 'writable'], 'the credentials were refused');
    }
    checks.push({ name: 'credentials', ok: true, message: 'The access key and secret are accepted.' });
    checks.push({ name: 'bucket', ok: false, message: code === 'NOT_FOUND' ? `Bucket "${endpoint.bucket}" does not exist: create it, or fix the bucket name.` : message });
    return skip(['writable'], 'the bucket cannot be used');
  }

  const probe = `health/${crypto.randomBytes(8).toString('hex')}`;
  try {
    await backend.put(probe, Buffer.from('cairn health check'));
    await backend.delete(probe);
    checks.push({ name: 'writable', ok: true, message: 'Objects can be written and deleted.' });
  } catch (err) {
    const denied = err instanceof CairnError && err.code === 'UNAUTHORIZED';
    checks.push({
      name: 'writable',
      ok: false,
      message: `Cannot write to the bucket: ${err instanceof Error ? err.message : String(err)}${denied ? " Check the key's permissions (PutObject, DeleteObject)." : ''}`,
    });
  }
  return { ok: checks.every((c) => c.ok), checks };
}

function clockMessage(skewMs: number): string {
  return `This computer's clock is ${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? 'ahead of' : 'behind'} the server's: signed requests will fail. Set the clock (enable network time).`;
}

/**
 * An unsigned request just to read the server's Date header (and see that it answers).
 * `error` says why it could not be reached; `skewMs` is how far this computer's clock is ahead
 * of the server's (negative: behind), null when the server sent no usable Date.
 */
export async function serverClock(url: string): Promise<{ error: string | null; skewMs?: number | null }> {
  // A folder endpoint (file://) has no server and no clock of its own.
  if (url.startsWith('file:')) return { error: null, skewMs: null };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  try {
    const before = Date.now();
    const response = await fetch(url, { method: 'GET', signal: controller.signal, redirect: 'manual' });
    const after = Date.now();
    await response.body?.cancel().catch(() => undefined);
    const date = response.headers.get('date');
    if (!date) return { error: null, skewMs: null };
    const server = Date.parse(date);
    if (Number.isNaN(server)) return { error: null, skewMs: null };
    // Date has one-second resolution; compare against the middle of the round trip.
    return { error: null, skewMs: (before + after) / 2 - server - 500 };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { error: controller.signal.aborted ? 'no answer within 10 s' : (cause?.code ?? cause?.message ?? (err as Error).message) };
  } finally {
    clearTimeout(timer);
  }
}
