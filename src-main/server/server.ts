import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CairnError, InvalidInputError, UnauthorizedError } from '../../src-shared/errors';
import { toWireError } from '../../src-shared/wire-errors';
import { maxMessageBytes } from '../../src-shared/rpc';
import type { Engine } from '../engine/engine';
import { RpcSession } from './rpc-session';
import { readStaticFile } from './static-files';

export interface ServeOptions {
  engine: Engine;
  /** Folder of the built renderer (index.html and assets). */
  rendererDir: string;
  /** Interface to bind; only loopback unless `allowRemote` is set. */
  host?: string;
  /** 0 picks any free port. */
  port?: number;
  /** Binding to a non-loopback address exposes the vault to the network: refuse unless asked. */
  allowRemote?: boolean;
  /** Serve HTTPS (and WSS) with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * A non-loopback address needs `tls`, or this acknowledgement that the token and the vault
   * cross the network in clear text unless something in front of Cairn terminates TLS.
   */
  insecureRemote?: boolean;
  /** Fixed token (tests); a fresh random one otherwise. */
  token?: string;
}

export interface RunningServer {
  readonly url: string;
  /** The URL to open in a browser: carries the token for this start. */
  readonly openUrl: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const loopbackHosts = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Browser mode: the built renderer over HTTP and the contract over a WebSocket (`/rpc`) and
 * plain HTTP (`POST /api/<command>`), both guarded by a per-start token and an Origin check.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!loopbackHosts.has(host) && !options.allowRemote) {
    throw new CairnError('INVALID_INPUT', `Refusing to listen on ${host}: only loopback addresses are allowed by default.`, {
      hint: 'Use --host 127.0.0.1, or pass --allow-remote if you really mean to expose the vault to your network (put TLS in front of it).',
    });
  }
  if (!loopbackHosts.has(host) && !options.tls && !options.insecureRemote) {
    throw new CairnError('INVALID_INPUT', `Refusing to listen on ${host} without TLS: the access token and the vault's contents would cross the network in clear text.`, {
      hint: 'Pass --tls-cert and --tls-key, or --insecure-remote if a reverse proxy in front of Cairn terminates TLS.',
    });
  }
  const token = options.token ?? crypto.randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const tokenMatches = (candidate: string | null | undefined) => {
    if (!candidate) return false;
    const bytes = Buffer.from(candidate);
    return bytes.length === tokenBytes.length && crypto.timingSafeEqual(bytes, tokenBytes);
  };

  let allowedOrigins = new Set<string>();
  const originAllowed = (origin: string | undefined) => origin === undefined || allowedOrigins.has(origin);

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    void handleHttp(req, res).catch((err) => sendJson(res, 500, { ok: false, error: toWireError(err) }));
  };
  const httpServer = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : http.createServer(onRequest);

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = requestUrl(req);
    if (!url) {
      sendJson(res, 400, { ok: false, error: new InvalidInputError('request', ['the request target is not a path']).toWire() });
      return;
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (url.pathname.startsWith('/api/')) {
      await handleApi(req, res, url);
      return;
    }
    if (url.pathname === '/metrics') {
      await handleMetrics(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { ok: false, error: { code: 'INVALID_INPUT', message: `Method ${req.method} is not allowed here.` } });
      return;
    }
    const file = await readStaticFile(options.rendererDir, url.pathname);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.contentType,
      'Cache-Control': 'no-cache',
      'Content-Security-Policy':
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  /** Prometheus scrapes: the same token as the API (metrics name repositories and endpoints). */
  async function handleMetrics(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const auth = req.headers.authorization;
    if (!originAllowed(req.headers.origin) || !tokenMatches(auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : null)) {
      sendJson(res, 401, { ok: false, error: new UnauthorizedError().toWire() });
      return;
    }
    if (req.method !== 'GET') {
      sendJson(res, 405, { ok: false, error: new InvalidInputError('request', ['use GET for /metrics']).toWire() });
      return;
    }
    res.writeHead(200, { 'Content-Type': options.engine.metrics.contentType, 'Cache-Control': 'no-store' });
    res.end(await options.engine.metrics.exposition());
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (!originAllowed(req.headers.origin)) {
      sendJson(res, 403, { ok: false, error: new UnauthorizedError(`Origin ${req.headers.origin} is not allowed.`).toWire() });
      return;
    }
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : null;
    if (!tokenMatches(bearer)) {
      sendJson(res, 401, { ok: false, error: new UnauthorizedError().toWire() });
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, { ok: false, error: new InvalidInputError('request', ['use POST with a JSON body']).toWire() });
      return;
    }
    // A malformed escape cannot name a command; the engine answers it like any unknown name.
    const rawCommand = url.pathname.slice('/api/'.length);
    let command: string;
    try {
      command = decodeURIComponent(rawCommand);
    } catch {
      command = rawCommand;
    }
    let body: unknown;
    try {
      body = await readJsonBody(req, maxMessageBytes);
    } catch (err) {
      sendJson(res, err instanceof BodyTooLargeError ? 413 : 400, { ok: false, error: toWireError(err) });
      return;
    }
    try {
      const output = await options.engine.call(command, body, { transport: 'http' });
      sendJson(res, 200, { ok: true, output });
    } catch (err) {
      const wire = toWireError(err);
      sendJson(res, statusForCode(wire.code), { ok: false, error: wire });
    }
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  httpServer.on('upgrade', (req, socket, head) => {
    const url = requestUrl(req);
    const reject = (status: number, reason: string) => {
      socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    socket.on('error', () => socket.destroy());
    if (!url) return reject(400, 'Bad Request');
    if (url.pathname !== '/rpc') return reject(404, 'Not Found');
    if (!originAllowed(req.headers.origin)) return reject(403, 'Forbidden');
    if (!tokenMatches(url.searchParams.get('token'))) return reject(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  const sessions = new Set<RpcSession>();
  function attach(ws: WebSocket): void {
    const session = new RpcSession(options.engine, (message) => ws.send(JSON.stringify(message)), 'websocket');
    sessions.add(session);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return void session.handle('');
      void session.handle(data.toString());
    });
    ws.on('close', () => {
      session.close();
      sessions.delete(session);
    });
    ws.on('error', () => ws.terminate());
  }

  const requestedPort = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (err: unknown) => reject(listenError(err, host, requestedPort));
    httpServer.once('error', fail);
    httpServer.listen(requestedPort, host, () => {
      httpServer.off('error', fail);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const scheme = options.tls ? 'https' : 'http';
  const baseUrl = `${scheme}://${urlHost}:${port}`;
  allowedOrigins = new Set([baseUrl, `${scheme}://localhost:${port}`, `${scheme}://127.0.0.1:${port}`]);

  return {
    url: baseUrl,
    openUrl: `${baseUrl}/?token=${token}`,
    port,
    token,
    async close() {
      for (const session of sessions) session.close();
      for (const client of wss.clients) client.terminate();
      wss.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/**
 * The request target as a URL, or null when it is not an origin-form path. Parsing it against
 * a base would read `//x/y` as a host `x`; prefixing the origin keeps it a path.
 */
function requestUrl(req: http.IncomingMessage): URL | null {
  const target = req.url ?? '/';
  if (!target.startsWith('/')) return null;
  try {
    return new URL(`http://localhost${target}`);
  } catch {
    return null;
  }
}

class BodyTooLargeError extends CairnError {
  constructor(limit: number) {
    super('INVALID_INPUT', `Request body is larger than the limit of ${limit} bytes.`, { hint: 'Send a smaller input.' });
    this.name = 'BodyTooLargeError';
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function statusForCode(code: string): number {
  switch (code) {
    case 'UNKNOWN_COMMAND':
    case 'NOT_FOUND':
      return 404;
    case 'INVALID_INPUT':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'CONFLICT':
    case 'ALREADY_EXISTS':
    case 'ILLEGAL_TRANSITION':
    case 'LOCKED':
      return 409;
    case 'UNAVAILABLE':
      return 503;
    default:
      return 500;
  }
}

/** The usual reasons `listen` fails, said so a person can act on them. */
function listenError(err: unknown, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE') {
    return new CairnError('UNAVAILABLE', `Port ${port} on ${host} is already in use.`, {
      hint: 'Stop the other program (or the other `cairn serve`), or pick another --port; --port 0 picks any free port.',
      cause: err,
    });
  }
  if (code === 'EACCES') {
    return new CairnError('PERMISSION_DENIED', `Not allowed to listen on ${where}.`, {
      hint: 'Ports below 1024 need extra privileges: use a higher --port, or 0 for any free port.',
      cause: err,
    });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new CairnError('INVALID_INPUT', `Cannot listen on ${where}: ${host} is not an address of this machine.`, {
      hint: 'Use --host 127.0.0.1 (the default).',
      cause: err,
    });
  }
  return err;
}

/**
 * Reads a request body up to `limit` bytes. Past the limit it rejects at once but keeps
 * draining (and discarding) the rest, so the 413 answer reaches the client instead of a reset
 * connection.
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > limit;
    if (tooLarge) reject(new BodyTooLargeError(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readJsonBody(req: http.IncomingMessage, limit: number): Promise<unknown> {
  const text = (await readBody(req, limit)).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInputError('request body', ['not valid JSON']);
  }
}
