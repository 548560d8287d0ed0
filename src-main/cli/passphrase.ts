import fs from 'node:fs/promises';
import { CairnError } from '../../src-shared/errors';

/**
 * Where the CLI gets a repository passphrase: CAIRN_PASSWORD, then the file named by
 * CAIRN_PASSWORD_FILE (first line), then a hidden prompt when stdin is a terminal.
 */
export async function passphraseFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  if (env.CAIRN_PASSWORD !== undefined && env.CAIRN_PASSWORD !== '') return env.CAIRN_PASSWORD;
  const file = env.CAIRN_PASSWORD_FILE;
  if (file) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      throw new CairnError('NOT_FOUND', `Cannot read the passphrase file ${file} (CAIRN_PASSWORD_FILE): ${(err as NodeJS.ErrnoException).code ?? String(err)}.`, {
        hint: 'Point CAIRN_PASSWORD_FILE at a readable file whose first line is the passphrase.',
      });
    }
    const line = text.split(/\r?\n/)[0] ?? '';
    if (line === '') throw new CairnError('INVALID_INPUT', `The passphrase file ${file} is empty.`, { hint: 'Put the passphrase on its first line.' });
    return line;
  }
  return null;
}

export async function askPassphrase(prompt: string): Promise<string | null> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return null;
  return new Promise((resolve) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const finish = (result: string | null) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      resolve(result);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(value);
        if (ch === '\u0003' || ch === '\u0004') return finish(null); // Ctrl+C, Ctrl+D
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The passphrase for opening a repository: environment first, then a prompt. */
export async function passphraseForOpen(): Promise<string | null> {
  return (await passphraseFromEnvironment()) ?? (await askPassphrase('Repository passphrase: '));
}

/** The passphrase for a new repository: environment, or asked twice. */
export async function passphraseForInit(): Promise<string> {
  const fromEnv = await passphraseFromEnvironment();
  if (fromEnv !== null) return fromEnv;
  const first = await askPassphrase('New repository passphrase: ');
  if (first === null) {
    throw new CairnError('INVALID_INPUT', 'An encrypted repository needs a passphrase, and none was given.', {
      hint: 'Set CAIRN_PASSWORD or CAIRN_PASSWORD_FILE, or run `cairn init --encrypt` in a terminal.',
    });
  }
  const second = await askPassphrase('Repeat the passphrase: ');
  if (second !== first) throw new CairnError('INVALID_INPUT', 'The two passphrases differ; nothing was created.', { hint: 'Run `cairn init --encrypt` again.' });
  return first;
}
