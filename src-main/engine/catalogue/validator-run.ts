import { spawn, type ChildProcess } from 'node:child_process';
import { CairnError } from '../../../src-shared/errors';
import type { ValidatorResult } from '../../../src-shared/catalogue/views';
import { OutputCapture } from './output-excerpt';
import type { ValidatorSpec } from './type-config';

/** What a validator is told about the version it checks. */
export interface ValidatorSubject {
  artifact: { id: string; collection: string; name: string; type: string };
  version: { id: string; number: number; sha256: string; size: number; treeId: string; createdAt: number };
}

export interface ValidatorRunOptions {
  /** Puts the version's content on disk and returns its path (command validators only). */
  materialise: (versionId: string) => Promise<string>;
  signal?: AbortSignal;
}

/**
 * Runs a type's validator on one version (DESIGN.md 6). A command gets the materialised path as
 * its last argument and passes with exit code 0; a URL gets the version's metadata as a JSON
 * POST and passes with a 2xx answer. Anything else fails, including a validator that cannot
 * start or does not finish within its timeout (it is killed, with its children). Never throws
 * for a failing validator; throws only when the caller cancels or the content cannot be
 * materialised.
 */
export async function runValidator(spec: ValidatorSpec, subject: ValidatorSubject, options: ValidatorRunOptions): Promise<ValidatorResult> {
  throwIfCancelled(options.signal);
  return spec.kind === 'command' ? runCommand(spec, subject, options) : runHttp(spec, subject, options);
}

async function runCommand(
  spec: Extract<ValidatorSpec, { kind: 'command' }>,
  subject: ValidatorSubject,
  options: ValidatorRunOptions,
): Promise<ValidatorResult> {
  const path = await options.materialise(subject.version.id);
  throwIfCancelled(options.signal);
  const [program, ...args] = spec.command as [string, ...string[]];
  const description = [...spec.command, path].join(' ');
  const output = new OutputCapture();
  const started = performance.now();
  let child: ChildProcess;
  try {
    child = spawn(program, [...args, path], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout kills whatever it started too.
      detached: process.platform !== 'win32',
      env: {
        ...process.env,
        CAIRN_ARTIFACT: `${subject.artifact.collection}/${subject.artifact.name}`,
        CAIRN_ARTIFACT_TYPE: subject.artifact.type,
        CAIRN_VERSION: String(subject.version.number),
        CAIRN_VERSION_ID: subject.version.id,
        CAIRN_SHA256: subject.version.sha256,
      },
    });
  } catch (err) {
    return commandResult(false, `could not start the validator: ${(err as Error).message}`, started, false, description, null);
  }
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));

  return new Promise<ValidatorResult>((resolve, reject) => {
    let exitCode: number | null = null;
    let exited = false;
    let settled = false;
    const finish = (result: ValidatorResult | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const timer = setTimeout(() => {
      // Exited but a child of it still holds the output open: the verdict is the exit code.
      if (exited) return finish(commandResult(exitCode === 0, output.excerpt(), started, false, description, exitCode));
      killTree(child);
      const note = `\n[validator killed after ${spec.timeoutMs} ms without finishing]`;
      finish(commandResult(false, output.excerpt() + note, started, true, description, null));
    }, spec.timeoutMs);
    const onAbort = () => {
      killTree(child);
      finish(new CairnError('CANCELLED', `Cancelled: the validator for version ${subject.version.id}.`));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => finish(commandResult(false, `could not start the validator: ${err.message}`, started, false, description, null)));
    child.on('exit', (code) => {
      exited = true;
      exitCode = code;
    });
    child.on('close', (code) => finish(commandResult(code === 0, output.excerpt(), started, false, description, code)));
  });
}

function commandResult(pass: boolean, excerpt: string, started: number, timedOut: boolean, validator: string, exitCode: number | null): ValidatorResult {
  return { pass, outputExcerpt: excerpt, durationMs: Math.round(performance.now() - started), timedOut, validator, exitCode, httpStatus: null };
}

function killTree(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    if (process.platform === 'win32') child.kill('SIGKILL');
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

async function runHttp(spec: Extract<ValidatorSpec, { kind: 'http' }>, subject: ValidatorSubject, options: ValidatorRunOptions): Promise<ValidatorResult> {
  const timeout = AbortSignal.timeout(spec.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const output = new OutputCapture();
  const started = performance.now();
  const result = (pass: boolean, timedOut: boolean, httpStatus: number | null, note = ''): ValidatorResult => ({
    pass,
    outputExcerpt: output.excerpt() + note,
    durationMs: Math.round(performance.now() - started),
    timedOut,
    validator: `POST ${spec.url}`,
    exitCode: null,
    httpStatus,
  });
  let status: number | null = null;
  try {
    const response = await fetch(spec.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...spec.headers },
      body: JSON.stringify(subject),
      signal,
    });
    status = response.status;
    if (response.body) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) output.push(Buffer.from(chunk));
    }
    return result(response.ok, false, status);
  } catch (err) {
    throwIfCancelled(options.signal);
    if (timeout.aborted) return result(false, true, status, `\n[no complete answer within ${spec.timeoutMs} ms]`);
    return result(false, false, status, `\n[request failed: ${(err as Error).message}]`);
  }
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CairnError('CANCELLED', 'Cancelled: the validator run.');
}
