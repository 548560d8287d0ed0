import fs from 'node:fs/promises';
import net from 'node:net';
import { createClient } from '../../src-shared/client';
import type { CairnClient } from '../../src-shared/contract';
import { CairnError, RemoteError } from '../../src-shared/errors';
import { serverMessageSchema, type RequestMessage } from '../../src-shared/rpc';

export interface RemoteConnection {
  client: CairnClient;
  close(): void;
}

/**
 * Connects to the engine that owns the repository (the desktop app, `cairn serve`, `cairn
 * watch run`) over its local socket, authenticating with its token file.
 */
export async function connectToOwner(socketPath: string, tokenFile: string): Promise<RemoteConnection> {
  let token: string;
  try {
    token = (await fs.readFile(tokenFile, 'utf8')).trim();
  } catch (err) {
    throw new CairnError('UNAUTHORIZED', `Cannot read the engine token ${tokenFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`, {
      hint: 'Run the command as the user who runs Cairn.',
    });
  }
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(socketPath);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
  socket.setEncoding('utf8');
  socket.write(`${token}\n`);

  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let sink: (event: string, payload: unknown) => void = () => {};
  let nextId = 1;
  let buffered = '';
  let closedError: CairnError | null = null;
  socket.on('data', (data: string) => {
    buffered += data;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const parsed = serverMessageSchema.safeParse(JSON.parse(line));
      if (!parsed.success) continue;
      const message = parsed.data;
      if (message.type === 'event') {
        sink(message.event, message.payload);
        continue;
      }
      if (!message.ok && message.error.code === 'UNAUTHORIZED' && message.id === 0) {
        closedError = new RemoteError(message.error);
        for (const call of pending.values()) call.reject(closedError);
        pending.clear();
        continue;
      }
      const call = pending.get(message.id);
      if (!call) continue;
      pending.delete(message.id);
      if (message.ok) call.resolve(message.output);
      else call.reject(new RemoteError(message.error));
    }
  });
  const onGone = () => {
    closedError ??= new CairnError('UNAVAILABLE', 'The Cairn engine that owns the repository went away during the command.', {
      hint: 'Check whether the app or `cairn serve` is still running, then run the command again.',
    });
    for (const call of pending.values()) call.reject(closedError);
    pending.clear();
  };
  socket.on('close', onGone);
  socket.on('error', onGone);

  const client = createClient({
    call(command, input) {
      if (closedError) return Promise.reject(closedError);
      const message: RequestMessage = { type: 'request', id: nextId++, command, input };
      return new Promise((resolve, reject) => {
        pending.set(message.id, { resolve, reject });
        socket.write(`${JSON.stringify(message)}\n`);
      });
    },
    onEvent(s) {
      sink = s;
    },
  });
  return { client, close: () => socket.end() };
}
