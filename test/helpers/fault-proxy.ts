import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The faults the proxy can inject into one request:
 * - `refuse`: reset the connection before any answer (ECONNRESET, like a dropped link);
 * - `error500`, `error503`: answer with an S3 error document (InternalError, SlowDown);
 * - `slow`: wait `slowMs` before forwarding;
 * - `cutBody`: forward, then send the answer's headers and half its body and drop the
 *   connection (for answers without a body: drop it before the headers, after the server
 *   acted — a lost response);
 * - `wrongEtag`: forward, with the ETag header replaced by a wrong one.
 */
export const faultKinds = ['refuse', 'error500', 'error503', 'slow', 'cutBody', 'wrongEtag'] as const;
export type FaultKind = (typeof faultKinds)[number];

export interface FaultSettings {
  /** Share of requests that get a fault, 0..1. */
  rate: number;
  /** Which faults to draw from, uniformly. Default: all. */
  kinds?: readonly FaultKind[];
}

/** A fixed S3 error answer for every request (to see how the SDK and backend map it). */
export interface ErrorAnswer {
  status: number;
  code: string;
  message?: string;
}

export interface FaultProxyOptions extends Partial<FaultSettings> {
  /** Where to forward: `http://127.0.0.1:<port>`. */
  target: string;
  /** Seed of the PRNG that picks faults, so a run can be repeated exactly. */
  seed?: number;
  slowMs?: number;
  /** Answer 501 NotImplemented to PUTs with If-None-Match, as Swift s3api does. */
  rejectConditionalPut?: boolean;
  /** Shift the Date header of every answer by this much (a server whose clock is off). */
  dateSkewMs?: number;
}

export interface FaultProxy {
  endpoint: string;
  /** How many requests met each fault, passed through cleanly, or had a conditional PUT refused. */
  readonly counts: Record<FaultKind | 'passed' | 'conditionalPutRefused', number>;
  setFaults(settings: FaultSettings): void;
  /** Answer every request with this error (null: forward again). */
  answerEverythingWith(answer: ErrorAnswer | null): void;
  stop(): Promise<void>;
}

/** Starts a fault-injecting HTTP proxy on a random loopback port in front of `target`. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = mulberry32(options.seed ?? 1);
  let settings: Required<FaultSettings> = { rate: options.rate ?? 0, kinds: options.kinds ?? faultKinds };
  let fixedAnswer: ErrorAnswer | null = null;
  const counts: FaultProxy['counts'] = { refuse: 0, error500: 0, error503: 0, slow: 0, cutBody: 0, wrongEtag: 0, passed: 0, conditionalPutRefused: 0 };
  const sockets = new Set<Socket>();

  const pickFault = (): FaultKind | null => {
    if (settings.rate <= 0 || random() >= settings.rate) return null;
    return settings.kinds[Math.floor(random() * settings.kinds.length)] ?? null;
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      if (fixedAnswer) return answerError(req, res, fixedAnswer);
      if (options.rejectConditionalPut && req.method === 'PUT' && req.headers['if-none-match'] !== undefined) {
        counts.conditionalPutRefused += 1;
        return answerError(req, res, { status: 501, code: 'NotImplemented', message: 'A header you provided implies functionality that is not implemented.' });
      }
      const fault = pickFault();
      counts[fault ?? 'passed'] += 1;
      switch (fault) {
        case 'refuse':
          req.socket.resetAndDestroy();
          return;
        case 'error500':
          return answerError(req, res, { status: 500, code: 'InternalError', message: 'Injected internal error.' });
        case 'error503':
          return answerError(req, res, { status: 503, code: 'SlowDown', message: 'Injected: please reduce your request rate.' });
        case 'slow':
          await new Promise((resolve) => setTimeout(resolve, options.slowMs ?? 30));
          return forward(req, res, null);
        default:
          return forward(req, res, fault);
      }
    })().catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  function forward(req: IncomingMessage, res: ServerResponse, fault: 'cutBody' | 'wrongEtag' | null): void {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const headers = { ...answer.headers };
        if (options.dateSkewMs) headers.date = skewedDate(headers.date, options.dateSkewMs);
        if (fault === 'wrongEtag' && headers.etag !== undefined) headers.etag = '"00000000000000000000000000000000"';
        const length = Number(answer.headers['content-length'] ?? 0);
        if (fault === 'cutBody' && (length === 0 || req.method === 'HEAD')) {
          answer.resume();
          answer.once('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, headers);
        if (fault !== 'cutBody') {
          answer.pipe(res);
          return;
        }
        let sent = 0;
        const half = Math.floor(length / 2);
        answer.on('data', (chunk: Buffer) => {
          if (sent >= half) return;
          const piece = chunk.subarray(0, half - sent);
          sent += piece.length;
          res.write(piece);
          if (sent >= half) {
            answer.destroy();
            // Let the half body leave before the connection drops.
            res.socket?.end(() => res.socket?.destroy());
          }
        });
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    setFaults(next) {
      settings = { rate: next.rate, kinds: next.kinds ?? faultKinds };
    },
    answerEverythingWith(answer) {
      fixedAnswer = answer;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Reads and discards the request body, then answers with an S3 XML error document. */
function answerError(req: IncomingMessage, res: ServerResponse, answer: ErrorAnswer): void {
  req.resume();
  req.once('end', () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${answer.code}</Code><Message>${answer.message ?? answer.code}</Message><RequestId>fault-proxy</RequestId></Error>`;
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) };
    if (req.method === 'HEAD') {
      res.writeHead(answer.status, { 'content-length': 0 });
      res.end();
      return;
    }
    res.writeHead(answer.status, headers);
    res.end(body);
  });
}

/** An HTTP Date `skewMs` away from `date` (or from now when there is none). */
function skewedDate(date: string | undefined, skewMs: number): string {
  const base = date === undefined ? Date.now() : Date.parse(date);
  return new Date((Number.isNaN(base) ? Date.now() : base) + skewMs).toUTCString();
}

/** A small, seedable PRNG (mulberry32): the same seed gives the same faults. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
