import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { startOwningEngine } from '../../server/owning-engine';
import { findRendererDir } from '../../server/renderer-dir';
import { startServer } from '../../server/server';
import { UsageError } from '../output';
import { passphraseFromEnvironment } from '../passphrase';
import type { CliContext } from '../context';

interface ServeFlags {
  host: string;
  port: string;
  allowRemote?: boolean;
  insecureRemote?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  rendererDir?: string;
}

export function registerServe(program: Command, context: () => CliContext): void {
  program
    .command('serve')
    .description('Serve the Cairn UI and API on 127.0.0.1 (browser mode)')
    .option('--host <address>', 'interface to listen on', '127.0.0.1')
    .option('--port <number>', 'port to listen on (0 = any free port)', '0')
    .option('--allow-remote', 'allow a non-loopback --host (exposes the vault to the network; needs TLS or --insecure-remote)')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM); with --tls-key')
    .option('--tls-key <file>', 'the private key (PEM) of --tls-cert')
    .option('--insecure-remote', 'with --allow-remote and no TLS: acknowledge that a proxy in front terminates TLS, or that the token crosses the network in clear text')
    .option('--renderer-dir <dir>', 'folder of the built UI (default: the one beside this program)')
    .action(async (flags: ServeFlags) => {
      const ctx = context();
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(`--port must be a whole number from 0 to 65535, not "${flags.port}".`);
      }
      const rendererDir = findRendererDir(flags.rendererDir);
      const tls = await readTls(flags);
      const owner = await startOwningEngine({
        purpose: '`cairn serve`',
        repositoryPath: ctx.repositoryPath,
        logEcho: ctx.out.json ? 'silent' : 'info',
        createIfMissing: true,
        watchFolders: true,
        passphrase: passphraseFromEnvironment,
      });
      const engine = owner.engine;
      let server;
      try {
        server = await startServer({ engine, rendererDir, host: flags.host, port, allowRemote: Boolean(flags.allowRemote), insecureRemote: Boolean(flags.insecureRemote), ...(tls ? { tls } : {}) });
      } catch (err) {
        await owner.stop();
        throw err;
      }
      ctx.out.result({ url: server.openUrl, port: server.port, repositoryPath: engine.repositoryPath }, () =>
        [`Cairn is serving ${engine.repositoryPath}`, `Open ${server.openUrl}`, 'Press Ctrl+C to stop.'].join('\n'),
      );
      await untilStopSignal(async () => {
        await server.close();
        await owner.stop();
      });
    });
}

async function readTls(flags: ServeFlags): Promise<{ cert: Buffer; key: Buffer } | null> {
  if (!flags.tlsCert && !flags.tlsKey) return null;
  if (!flags.tlsCert || !flags.tlsKey) throw new UsageError('--tls-cert and --tls-key go together.');
  const read = (file: string, flag: string) =>
    fs.readFile(file).catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`Cannot read ${flag} ${file}: ${err.code ?? err.message}.`);
    });
  return { cert: await read(flags.tlsCert, '--tls-cert'), key: await read(flags.tlsKey, '--tls-key') };
}

const stopSignals = ['SIGINT', 'SIGTERM'] as const;

/**
 * Waits for Ctrl+C or SIGTERM, then runs `shutdown` to the end. Further signals while it runs
 * are ignored: Ctrl+C reaches both `npm start` and this process, and `npm start` forwards it
 * too, so the same stop usually arrives twice, and the second must not cut the shutdown short
 * (the repository lock would be left behind).
 */
async function untilStopSignal(shutdown: () => Promise<void>): Promise<void> {
  let stopRequested: () => void = () => {};
  const requested = new Promise<void>((resolve) => (stopRequested = resolve));
  const onSignal = () => stopRequested();
  for (const signal of stopSignals) process.on(signal, onSignal);
  try {
    await requested;
    await shutdown();
  } finally {
    for (const signal of stopSignals) process.off(signal, onSignal);
  }
}
