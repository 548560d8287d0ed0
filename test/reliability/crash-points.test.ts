/**
 * The crash suite (DESIGN.md 8): each case runs real work in a child process with a crash point
 * armed (CAIRN_CRASH_AT), checks the child died by SIGKILL at that point, restarts the same work
 * without it, and then asserts what GUARANTEES.md promises: `cairn check --read-data` passes,
 * every version committed before the crash restores byte-identical, nothing half-written is
 * listed, and the interrupted work is complete.
 *
 * `npm test` runs the cases marked `ci`; `npm run test:crash` (CAIRN_CRASH_SUITE=full) runs all.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReportSchema } from '../../src-shared/contract/repository';
import { crashPoint, crashPointNames, parseCrashAt } from '../../src-main/engine/crash/crash-points';
import { parseJsonOutput } from '../helpers/cli';
import { makeTempDir, type TempDir } from '../helpers/tmp';
import { caseLabel, crashCases } from './crash/crash-cases';
import { cliEntry, describeRun, runTypeScript } from './crash/child-process';
import { scenarios } from './crash/crash-scenarios';
import { manifestProblems, restoreProblems, visibleObjectProblems, withOpenEngine } from './crash/repository-inspection';
import { buildTemplate, type TemplateRepository } from './crash/template-repository';

const fullSuite = process.env.CAIRN_CRASH_SUITE === 'full';
const cases = fullSuite ? crashCases : crashCases.filter((c) => c.ci);

let dir: TempDir;
let template: TemplateRepository;

beforeAll(async () => {
  dir = await makeTempDir('crash');
  template = await buildTemplate(dir.join('template'));
}, 120_000);

afterAll(() => dir?.remove());

describe('the crash cases', () => {
  it('try every crash point at least once (in the full suite)', () => {
    const tried = new Set(crashCases.map((c) => c.point));
    expect(crashPointNames.filter((name) => !tried.has(name))).toEqual([]);
    expect(crashPointNames.length).toBeGreaterThanOrEqual(20);
  });

  it('are armed by CAIRN_CRASH_AT=name or name:N, and a misspelt name fails loudly', () => {
    expect(parseCrashAt(undefined)).toBeNull();
    expect(parseCrashAt(' ')).toBeNull();
    expect(parseCrashAt('restore.before-rename')).toEqual({ name: 'restore.before-rename', hit: 1 });
    expect(parseCrashAt('durable-write.temp-written:3')).toEqual({ name: 'durable-write.temp-written', hit: 3 });
    expect(() => parseCrashAt('restore.before-renam')).toThrow(/does not name a crash point/);
    expect(() => parseCrashAt('restore.before-rename:0')).toThrow(/1 or more/);
    // Not armed in this process: reaching a point does nothing.
    crashPoint('restore.before-rename');
  });
});

describe.each(cases)('a crash at $point in $scenario', (crashCase) => {
  it('loses nothing committed, shows nothing half-written, and the work completes on restart', async () => {
    const caseDir = dir.join(caseLabel(crashCase).replace(/[^a-z0-9]+/gi, '-'));
    const prepared = await scenarios[crashCase.scenario](caseDir, template);
    const crashAt = `${crashCase.point}${crashCase.hit ? `:${crashCase.hit}` : ''}`;

    const crashed = await prepared.run(crashAt);
    expect(crashed.signal, describeRun(`run with CAIRN_CRASH_AT=${crashAt}`, crashed)).toBe('SIGKILL');
    expect(await visibleObjectProblems(prepared.repo)).toEqual([]);
    expect(await prepared.afterCrash()).toEqual([]);

    const restarted = await prepared.run();
    expect(restarted.code, describeRun('the restarted run', restarted)).toBe(0);

    const check = await runTypeScript(cliEntry, ['check', '--read-data', '--json', '--repo', prepared.repo], {
      env: prepared.passphrase === null ? {} : { CAIRN_PASSWORD: prepared.passphrase },
    });
    expect(check.code, describeRun('cairn check --read-data', check)).toBe(0);
    expect(checkReportSchema.parse(parseJsonOutput(check.stdout)).ok).toBe(true);
    expect(await visibleObjectProblems(prepared.repo)).toEqual([]);

    await withOpenEngine(prepared.repo, prepared.passphrase, async (engine) => {
      expect(manifestProblems(engine)).toEqual([]);
      expect(await restoreProblems(engine, prepared.committed)).toEqual([]);
      expect(await prepared.completed(engine)).toEqual([]);
    });
    await fs.rm(path.join(caseDir), { recursive: true, force: true });
  }, 240_000);
});
