import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../../src-shared/contract';
import { CairnError } from '../../../src-shared/errors';
import { maxMessageBytes } from '../../../src-shared/rpc';
import { Engine } from '../../../src-main/engine/engine';
import { startServer, type RunningServer } from '../../../src-main/server/server';
import { makeTempDir, type TempDir } from '../../helpers/tmp';
import { connect, refusedStatus, type SocketClient } from './socket-client';

const token = 'test-token-0123456789';
const secret = 'SECRET-OUTSIDE-THE-RENDERER';

let dir: TempDir;
let engine: Engine;
let server: RunningServer;
const sockets: SocketClient[] = [];

beforeAll(async () => {
  dir = await makeTempDir('server');
  await dir.write('renderer/index.html', '<!doctype html><title>Cairn test page</title>');
  await dir.write('renderer/assets/app.js', 'console.log("app");');
  await dir.write('secret.txt', secret);
  await dir.write('renderer-other/secret.txt', secret);
  engine = new Engine({ repositoryPath: dir.join('repo') });
  await engine.start();
  server = await startServer({ engine, rendererDir: dir.join('renderer'), token });
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
});

afterAll(async () => {
  await server?.close();
  await engine?.stop();
  await dir?.remove();
});

async function open(origin?: string): Promise<SocketClient> {
  const socket = await connect(server.url, token, origin);
  sockets.push(socket);
  return socket;
}

function post(command: string, body: BodyInit | null, headers: Record<string, string> = { Authorization: `Bearer ${token}` }) {
  return fetch(`${server.url}/api/${command}`, { method: 'POST', headers, body });
}

/** A GET with the path sent exactly as written (fetch and URL would normalise `..` away). */
function rawGet(rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path: rawPath }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

describe('the server answers the contract', () => {
  it('runs engine.status over the WebSocket', async () => {
    const socket = await open();
    const response = await socket.request('engine.status', {});
    expect(response.ok).toBe(true);
    if (!response.ok) return;
    const status = commands['engine.status'].output.parse(response.output);
    expect(status.repositoryPath).toBe(dir.join('repo'));
    expect(status.pid).toBe(process.pid);
  });

  it('runs engine.status over POST /api/engine.status', async () => {
    const response = await post('engine.status', '{}');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ok: boolean; output: unknown };
    expect(body.ok).toBe(true);
    expect(commands['engine.status'].output.parse(body.output).repositoryPath).toBe(dir.join('repo'));
  });

  it('treats an empty HTTP body as an empty input', async () => {
    const response = await post('engine.status', null);
    expect(response.status).toBe(200);
  });

  it('delivers engine events on the socket', async () => {
    const socket = await open();
    engine.log.warn('disk is nearly full', 'test');
    const event = await socket.nextEvent((e) => e.event === 'engine.log' && (e.payload as { area?: string }).area === 'test');
    expect(event.payload).toMatchObject({ level: 'warn', message: 'disk is nearly full', area: 'test' });
  });

  it('stops sending events to a socket once it has closed', async () => {
    const socket = await open();
    await socket.close();
    // Emitting after the close must neither throw nor reach the closed socket.
    expect(() => engine.log.info('after close', 'test')).not.toThrow();
    const other = await open();
    expect((await other.request('engine.status')).ok).toBe(true);
  });

  it('accepts a browser page served from its own origin', async () => {
    const socket = await open(`http://127.0.0.1:${server.port}`);
    expect((await socket.request('engine.status')).ok).toBe(true);
    const response = await post('engine.status', '{}', { Authorization: `Bearer ${token}`, Origin: `http://localhost:${server.port}` });
    expect(response.status).toBe(200);
  });
});

describe('bad requests get typed errors and the server keeps working', () => {
  it('answers an unknown command with UNKNOWN_COMMAND on the socket', async () => {
    const socket = await open();
    const response = await socket.request('engine.nope', {});
    expect(response).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    if (!response.ok) expect(response.error.message).toContain('engine.nope');
    expect((await socket.request('engine.status')).ok).toBe(true);
  });

  it('answers an unknown command with 404 UNKNOWN_COMMAND over HTTP', async () => {
    for (const name of ['engine.nope', '__proto__', 'toString', '%E0%A4%A']) {
      const response = await post(name, '{}');
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    }
    expect((await post('engine.status', '{}')).status).toBe(200);
  });

  it('refuses an input the contract does not allow with INVALID_INPUT', async () => {
    const socket = await open();
    const response = await socket.request('engine.status', { extra: 1 });
    expect(response).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (!response.ok) {
      expect(response.error.message).toContain('engine.status');
      expect(response.error.message).toContain('extra');
      expect(Array.isArray(response.error.details)).toBe(true);
    }
    expect((await socket.request('engine.status', {})).ok).toBe(true);

    const overHttp = await post('engine.status', JSON.stringify({ extra: 1 }));
    expect(overHttp.status).toBe(400);
    expect(await overHttp.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('refuses a message that is not JSON, or not a request, on the socket', async () => {
    const socket = await open();
    for (const text of ['{not json', 'null', '[]', JSON.stringify({ type: 'request', id: 'one', command: 'engine.status' })]) {
      const response = await socket.sendRaw(text);
      expect(response).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    // A binary frame is not a message either.
    socket.ws.send(Buffer.from([1, 2, 3]));
    expect(await socket.sendRaw('')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await socket.request('engine.status')).ok).toBe(true);
  });

  it('echoes the id of a well-numbered but malformed request', async () => {
    const socket = await open();
    const response = await socket.sendRaw(JSON.stringify({ type: 'oops', id: 41 }));
    expect(response).toMatchObject({ id: 41, ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('refuses a body that is not JSON over HTTP', async () => {
    const response = await post('engine.status', '{not json');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('refuses anything but POST on /api/', async () => {
    const response = await fetch(`${server.url}/api/engine.status`, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('refuses a body over the size limit with 413, whether declared or streamed', async () => {
    const tooBig = new Uint8Array(maxMessageBytes + 1).fill(0x20);
    const declared = await post('engine.status', tooBig);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > maxMessageBytes) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const streamed = await fetch(`${server.url}/api/engine.status`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    await streamed.body?.cancel();

    expect((await post('engine.status', '{}')).status).toBe(200);
  });
});

/** Sends a raw WebSocket upgrade request and resolves with the status line of the answer. */
function rawUpgrade(target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => {
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

describe('the token and the origin guard the API', () => {
  it('refuses HTTP calls without the token, or with a wrong one, with UNAUTHORIZED', async () => {
    const cases: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer wrong-token' },
      { Authorization: `Bearer ${token}x` },
      { Authorization: token },
      { Authorization: `Basic ${token}` },
    ];
    for (const headers of cases) {
      const response = await post('engine.status', '{}', headers);
      expect(response.status).toBe(401);
      const body = (await response.json()) as { ok: boolean; error: { code: string; hint?: string } };
      expect(body).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      expect(body.error.hint).toContain('cairn serve');
    }
    expect((await post('engine.status', '{}')).status).toBe(200);
  });

  it('refuses a WebSocket without the token, or with a wrong one', async () => {
    expect(await refusedStatus(server.url, undefined)).toBe(401);
    expect(await refusedStatus(server.url, '')).toBe(401);
    expect(await refusedStatus(server.url, 'wrong-token')).toBe(401);
    expect((await (await open()).request('engine.status')).ok).toBe(true);
  });

  it('refuses a WebSocket on any path but /rpc', async () => {
    expect(await refusedStatus(server.url, token, undefined, '/elsewhere')).toBe(404);
    expect(await refusedStatus(server.url, token, undefined, '/rpc/')).toBe(404);
  });

  it('refuses odd upgrade targets and stays up', async () => {
    // `//x/rpc` once parsed as a URL with host `x`: an uncaught throw that stopped the server.
    expect(await rawUpgrade('//bad%host/rpc')).toBe('HTTP/1.1 404 Not Found');
    expect(await rawUpgrade(`//evil.example/rpc?token=${token}`)).toBe('HTTP/1.1 404 Not Found');
    expect(await rawUpgrade(`http://127.0.0.1/rpc?token=${token}`)).toBe('HTTP/1.1 400 Bad Request');
    expect((await post('engine.status', '{}')).status).toBe(200);
    expect((await rawGet('//bad%host/index.html')).status).toBe(404);
  });

  it('refuses a page from another origin, even with the token', async () => {
    expect(await refusedStatus(server.url, token, 'http://evil.example')).toBe(403);
    expect(await refusedStatus(server.url, token, `http://127.0.0.1:${server.port + 1}`)).toBe(403);
    const response = await post('engine.status', '{}', { Authorization: `Bearer ${token}`, Origin: 'http://evil.example' });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });
});

describe('static files', () => {
  it('serves the renderer with a content security policy', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('Cairn test page');

    const script = await fetch(`${server.url}/assets/app.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
  });

  it('falls back to index.html for client-side routes but not for missing files', async () => {
    expect(await (await fetch(`${server.url}/artifacts/some-id`)).text()).toContain('Cairn test page');
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
  });

  it('never serves a file outside the renderer folder', async () => {
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/%2e%2e%5csecret.txt',
      '/..%2f..%2frenderer-other%2fsecret.txt',
      `/${'..%2f'.repeat(12)}etc%2fpasswd`,
      '/secret.txt%00.html',
      '/%',
      '//..%2fsecret.txt',
    ];
    for (const attempt of attempts) {
      const { status, body } = await rawGet(attempt);
      expect(body, attempt).not.toContain(secret);
      expect(body, attempt).not.toContain('root:');
      expect(status, attempt).toBe(404);
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await fetch(`${server.url}/`, { method: 'PUT', body: 'x' })).status).toBe(405);
    const head = await fetch(`${server.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });
});

describe('where the server may listen', () => {
  it('refuses a non-loopback host unless allowRemote is set, and listens nowhere', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      const attempt = startServer({ engine, rendererDir: dir.join('renderer'), host });
      await expect(attempt).rejects.toBeInstanceOf(CairnError);
      await expect(attempt).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining(host) });
      await expect(attempt).rejects.toMatchObject({ hint: expect.stringContaining('--allow-remote') });
    }
  });

  it('says clearly when the port is taken', async () => {
    const attempt = startServer({ engine, rendererDir: dir.join('renderer'), port: server.port });
    await expect(attempt).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining(`Port ${server.port}`) });
  });

  it('gives each start its own random token in the URL to open', async () => {
    const a = await startServer({ engine, rendererDir: dir.join('renderer') });
    const b = await startServer({ engine, rendererDir: dir.join('renderer') });
    try {
      expect(a.token).not.toBe(b.token);
      expect(a.token.length).toBeGreaterThanOrEqual(32);
      expect(a.openUrl).toBe(`${a.url}/?token=${a.token}`);
      expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('closes open sockets when it stops', async () => {
    const own = await startServer({ engine, rendererDir: dir.join('renderer'), token });
    const socket = await connect(own.url, token);
    const closed = new Promise<void>((resolve) => socket.ws.once('close', () => resolve()));
    await own.close();
    await closed;
    await expect(fetch(`${own.url}/`)).rejects.toThrow();
  });
});
