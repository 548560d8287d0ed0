/**
 * Every contract command, called on a real engine with a real repository, with inputs from and
 * around its zod schema and with arbitrary JSON (fast-check, fixed seed): the engine never
 * crashes, every failure is a CairnError with a known code and never INTERNAL, and every
 * success matches the command's output schema.
 */
import fs from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commandNames, commands, type CommandName } from '../../src-shared/contract';
import { CairnError, errorCodes } from '../../src-shared/errors';
import { Engine } from '../../src-main/engine/engine';
import { makeTempDir, type TempDir } from '../helpers/tmp';
import { arbitraryAround } from './fuzz/schema-arbitrary';
import { sandboxed } from './fuzz/sandboxed-input';

const seed = 20_240_601;
const runsPerCommand = Number(process.env.CAIRN_FUZZ_RUNS ?? 80);

let dir: TempDir;
let engine: Engine;

beforeAll(async () => {
  dir = await makeTempDir('fuzz');
  await dir.write('sandbox/a.txt', 'a small file to store\n');
  await dir.write('sandbox/dir/b.txt', 'a file in a folder\n');
  engine = new Engine({ repositoryPath: dir.join('repo'), createIfMissing: true, passphrase: async () => null });
  await engine.start();
  // Something to find: an artifact with two versions, a folder endpoint.
  await engine.call('catalogue.add', { path: dir.join('sandbox/a.txt') }, { transport: 'fuzz' });
  await fs.appendFile(dir.join('sandbox/a.txt'), 'second version\n');
  await engine.call('catalogue.add', { path: dir.join('sandbox/a.txt') }, { transport: 'fuzz' });
}, 60_000);

beforeEach(async () => {
  // A folder endpoint under a name the fuzzer favours (an earlier command may have removed it).
  await engine.call('endpoints.add', { name: 'folder', url: `file://${dir.join('sandbox/endpoints/folder')}`, bucket: 'bucket', accessKeyId: 'k', secretAccessKey: 's' }, { transport: 'fuzz' });
});

afterAll(async () => {
  await engine?.stop();
  await dir?.remove();
});

const knownCodes = new Set<string>(errorCodes);

/** Why an outcome breaks the rules, or null when it is fine. */
async function judge(name: CommandName, input: unknown): Promise<string | null> {
  let output: unknown;
  try {
    output = await engine.call(name, input, { transport: 'fuzz' });
  } catch (err) {
    if (!(err instanceof CairnError)) return `threw a ${(err as Error)?.constructor?.name ?? typeof err}: ${String((err as Error)?.stack ?? err)}`;
    if (!knownCodes.has(err.code)) return `unknown error code ${err.code}`;
    if (err.code === 'INTERNAL') return `INTERNAL: ${err.message}`;
    return null;
  }
  const parsed = commands[name].output.safeParse(output);
  return parsed.success ? null : `its output does not match the contract: ${parsed.error.issues[0]?.message}`;
}

describe('fuzzing every contract command', () => {
  it.each(commandNames.filter((name) => name !== 'repo.init'))('%s', async (name) => {
    await fc.assert(
      fc.asyncProperty(arbitraryAround(commands[name].input), async (raw) => {
        const input = sandboxed(raw, dir.join('sandbox'));
        const problem = await judge(name, input);
        if (problem) throw new Error(`${name}(${JSON.stringify(input)?.slice(0, 300)}): ${problem}`);
      }),
      { seed, numRuns: runsPerCommand, endOnFailure: true },
    );
  }, 120_000);

  it('repo.init, which may only run once', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryAround(commands['repo.init'].input), async (input) => {
        const problem = await judge('repo.init', input);
        if (problem) throw new Error(`repo.init(${JSON.stringify(input)?.slice(0, 200)}): ${problem}`);
      }),
      { seed, numRuns: runsPerCommand },
    );
  });

  it('leaves the engine running and the repository sound', async () => {
    expect(engine.isRunning).toBe(true);
    const report = (await engine.call('repo.check', { readData: true }, { transport: 'fuzz' })) as { ok: boolean; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(await engine.call('engine.status', {}, { transport: 'fuzz' })).toMatchObject({ repositoryPath: dir.join('repo') });
  });
});
