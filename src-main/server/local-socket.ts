import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { UnauthorizedError } from '../../src-shared/errors';
import { maxMessageBytes } from '../../src-shared/rpc';
import type { Engine } from '../engine/engine';
import { runDir } from '../engine/lock/repository-lock';
import { RpcSession } from './rpc-session';

/**
 * The owning engine's local endpoint: other processes of the same user (the CLI beside the
 * app) send contract calls here. A Unix socket with 0600 permissions in the repository's
 * runtime folder (a named pipe on Windows); the first line a client sends must be the token
 * from the 0600 token file. After that, lines are the JSON messages of src-shared/rpc.ts.
 */
export interface LocalEndpoint {
  readonly socketPath: string;
  readonly tokenFile: string;
  close(): Promise<void>;
}

export function tokenFilePath(localDir: string): string {
  return path.join(runDir(localDir), 'token');
}

export function socketPathFor(localDir: string): string {
  if (process.platform === 'win32') {
    return `\\\\.\\pipe\\cairn-${crypto.createHash('sha256').update(localDir).digest('hex').slice(0, 16)}`;
  }
  const inRunDir = path.join(runDir(localDir), 'engine.sock');
  // Unix socket paths are limited to ~104–108 bytes; fall back to a per-user temp name.
  if (Buffer.byteLength(inRunDir) < 100) return inRunDir;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.join(os.tmpdir(), `cairn-${uid}-${crypto.createHash('sha256').update(localDir).digest('hex').slice(0, 16)}.sock`);
}

export async function startLocalEndpoint(engine: Engine, localDir: string): Promise<LocalEndpoint> {
  const socketPath = socketPathFor(localDir);
  const tokenFile = tokenFilePath(localDir);
  const token = crypto.randomBytes(32).toString('base64url');
  await fs.mkdir(runDir(localDir), { recursive: true, mode: 0o700 });
  await fs.writeFile(`${tokenFile}.tmp`, token, { mode: 0o600 });
  await fs.rename(`${tokenFile}.tmp`, tokenFile);
  // We own the repository lock, so a socket file left here is from a dead owner.
  if (process.platform !== 'win32') await fs.rm(socketPath, { force: true });

  const sessions = new Set<RpcSession>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    let session: RpcSession | null = null;
    let buffered = '';
    sockets.add(socket);
    const close = () => {
      sockets.delete(socket);
      if (session) {
        session.close();
        sessions.delete(session);
      }
    };
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      buffered += data;
      if (buffered.length > maxMessageBytes) {
        socket.destroy();
        return;
      }
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (!session) {
          const given = Buffer.from(line.trim());
          const expected = Buffer.from(token);
          if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
            socket.end(`${JSON.stringify({ type: 'response', id: 0, ok: false, error: new UnauthorizedError('Wrong token for the local engine socket.').toWire() })}\n`);
            return;
          }
          session = new RpcSession(engine, (message) => socket.write(`${JSON.stringify(message)}\n`), 'local-socket');
          sessions.add(session);
          continue;
        }
        void session.handle(line);
      }
    });
    socket.on('close', close);
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (process.platform !== 'win32') await fs.chmod(socketPath, 0o600);
  return {
    socketPath,
    tokenFile,
    async close() {
      for (const session of sessions) session.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (process.platform !== 'win32') await fs.rm(socketPath, { force: true });
      await fs.rm(tokenFile, { force: true });
    },
  };
}
