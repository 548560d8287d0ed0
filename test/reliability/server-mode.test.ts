/**
 * Server mode beyond what test/unit/server covers: listening off loopback needs TLS (or an
 * explicit acknowledgement), the token is needed on every route that answers with data, the
 * Origin check has no gaps (null, other scheme), a symbolic link cannot take static serving
 * out of the build folder, and oversized WebSocket messages close the socket without taking
 * the server down.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { maxMessageBytes } from '../../src-shared/rpc';
import { Engine } from '../../src-main/engine/engine';
import { startServer, type RunningServer } from '../../src-main/server/server';
import { runCli } from '../helpers/cli';
import { makeTempDir, type TempDir } from '../helpers/tmp';

const token = 'server-mode-token-0123456789abcdef';
const secret = 'SECRET-BESIDE-THE-BUILD-FOLDER';

let dir: TempDir;
let engine: Engine;
let server: RunningServer;
let tls: { cert: Buffer; key: Buffer };

beforeAll(async () => {
  dir = await makeTempDir('server-mode');
  await dir.write('ui/index.html', '<!doctype html><title>server mode</title>');
  await dir.write('outside/secret.txt', secret);
  await fs.symlink(dir.join('outside/secret.txt'), dir.join('ui/linked-secret.txt'));
  await fs.symlink(dir.join('outside'), dir.join('ui/linked-folder'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', dir.join('key.pem'), '-out', dir.join('cert.pem')], { stdio: 'ignore' });
  tls = { cert: await fs.readFile(dir.join('cert.pem')), key: await fs.readFile(dir.join('key.pem')) };
  engine = new Engine({ repositoryPath: dir.join('repo'), createIfMissing: true });
  await engine.start();
  server = await startServer({ engine, rendererDir: dir.join('ui'), token });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await engine?.stop();
  await dir?.remove();
});

describe('listening beyond loopback', () => {
  it('is refused without TLS unless the person acknowledges it, even with allowRemote', async () => {
    const attempt = startServer({ engine, rendererDir: dir.join('ui'), host: '0.0.0.0', allowRemote: true });
    await expect(attempt).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('without TLS'), hint: expect.stringContaining('--tls-cert') });
  });

  it('serves plain HTTP off loopback only with insecureRemote, and still wants the token', async () => {
    const open = await startServer({ engine, rendererDir: dir.join('ui'), host: '0.0.0.0', allowRemote: true, insecureRemote: true, token });
    try {
      const base = `http://127.0.0.1:${open.port}`;
      expect((await fetch(`${base}/api/engine.status`, { method: 'POST', body: '{}' })).status).toBe(401);
      expect((await fetch(`${base}/api/engine.status`, { method: 'POST', body: '{}', headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('serves HTTPS and WSS with a certificate, with the token and Origin checks unchanged', async () => {
    const secure = await startServer({ engine, rendererDir: dir.join('ui'), host: '0.0.0.0', allowRemote: true, tls, token });
    try {
      expect(secure.url).toMatch(/^https:\/\//);
      const call = (headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) => {
          const req = https.request({ host: '127.0.0.1', port: secure.port, path: '/api/engine.status', method: 'POST', ca: tls.cert, headers }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end('{}');
        });
      expect(await call({})).toBe(401);
      expect(await call({ Authorization: `Bearer ${token}` })).toBe(200);

      const ws = new WebSocket(`wss://127.0.0.1:${secure.port}/rpc?token=${token}`, { ca: tls.cert, origin: `https://127.0.0.1:${secure.port}` });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.close();
      const wrongScheme = new WebSocket(`wss://127.0.0.1:${secure.port}/rpc?token=${token}`, { ca: tls.cert, origin: `http://127.0.0.1:${secure.port}` });
      expect(await refusal(wrongScheme)).toBe(403);
    } finally {
      await secure.close();
    }
  });

  it('cairn serve refuses --allow-remote without TLS or --insecure-remote, and half a TLS pair', async () => {
    const plain = await runCli(['serve', '--host', '0.0.0.0', '--allow-remote', '--port', '0', '--repo', dir.join('cli-repo'), '--renderer-dir', dir.join('ui')], { env: { CAIRN_LOG_DIR: dir.join('logs') } });
    expect(plain.code, plain.stderr).toBe(1);
    expect(plain.stderr).toContain('without TLS');
    const half = await runCli(['serve', '--tls-cert', dir.join('cert.pem'), '--repo', dir.join('cli-repo'), '--renderer-dir', dir.join('ui')], { env: { CAIRN_LOG_DIR: dir.join('logs') } });
    expect(half.code, half.stderr).toBe(2);
    expect(half.stderr).toContain('--tls-cert and --tls-key go together');
  }, 60_000);
});

describe('the token and the origin', () => {
  it('is required in the Authorization header: a token in the query string opens no API call', async () => {
    const response = await fetch(`${server.url}/api/engine.status?token=${token}`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
  });

  it('guards /metrics like the API', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics?token=${token}`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${token}`, Origin: 'http://evil.example' } })).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('refuses the opaque "null" origin and look-alike origins on the WebSocket', async () => {
    for (const origin of ['null', `https://127.0.0.1:${server.port}`, `http://127.0.0.1.evil.example:${server.port}`, `http://127.0.0.1:${server.port}.evil.example`]) {
      expect(await refusal(new WebSocket(`ws://127.0.0.1:${server.port}/rpc?token=${token}`, { origin })), origin).toBe(403);
    }
  });
});

describe('static files', () => {
  it('never follow a symbolic link out of the build folder', async () => {
    for (const path of ['/linked-secret.txt', '/linked-folder/secret.txt']) {
      const response = await fetch(`${server.url}${path}`);
      const body = await response.text();
      expect(body, path).not.toContain(secret);
      expect(response.status, path).toBe(404);
    }
  });
});

describe('message size', () => {
  it('closes a WebSocket that sends a message over the limit (1009) and keeps serving', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?token=${token}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ type: 'request', id: 1, command: 'engine.status', input: { pad: 'x'.repeat(maxMessageBytes + 1) } }));
    expect(await closed).toBe(1009);
    expect((await fetch(`${server.url}/api/engine.status`, { method: 'POST', body: '{}', headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});

/** The HTTP status a refused WebSocket handshake got. */
function refusal(ws: WebSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      ws.close();
      reject(new Error('the socket opened'));
    });
    ws.once('error', () => undefined);
  });
}
