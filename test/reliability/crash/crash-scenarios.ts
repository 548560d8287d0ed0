/**
 * The work the crash suite interrupts. Each scenario prepares a case folder (usually a copy of
 * the template repository), names the command to run (the real CLI, or a fixture script for
 * work no command does by itself), and says what "the interrupted work completed" means.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Engine } from '../../../src-main/engine/engine';
import { EndpointStore, parseEndpoint } from '../../../src-main/engine/endpoints/config';
import { LocalBackend } from '../../../src-main/engine/backends/local-backend';
import { checkRepository } from '../../../src-main/engine/check/checker';
import { lockFilePath } from '../../../src-main/engine/lock/repository-lock';
import { isRepositoryObject } from '../../../src-main/engine/replicate/object-order';
import { Repository } from '../../../src-main/engine/repo/repository';
import { projectRoot, type CliResult } from '../../helpers/cli';
import { cliEntry, runTypeScript } from './child-process';
import { restoreProblems, withOpenEngine } from './repository-inspection';
import { pseudoRandomBytes, type CommittedVersion, type TemplateRepository } from './template-repository';

export const scenarioNames = ['add', 'gc', 'compaction', 'backup', 'restore', 'init', 'lock-takeover'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export interface PreparedCase {
  repo: string;
  passphrase: string | null;
  /** Versions reported committed before the crash. */
  committed: CommittedVersion[];
  /** Runs the work; `crashAt` (CAIRN_CRASH_AT) arms a crash point in the child. */
  run(crashAt?: string): Promise<CliResult>;
  /** Problems visible right after the crash, before anything restarts. */
  afterCrash(): Promise<string[]>;
  /** Problems with the state after the restarted work finished. */
  completed(engine: Engine): Promise<string[]>;
}

type Prepare = (caseDir: string, template: TemplateRepository) => Promise<PreparedCase>;

const fixture = (name: string) => path.join(projectRoot, 'test/reliability/fixtures', name);

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return (crashAt?: string) => runTypeScript(cliEntry, [...args, '--json'], { env: { ...env, ...(crashAt ? { CAIRN_CRASH_AT: crashAt } : {}) } });
}

async function copyTemplate(caseDir: string, template: TemplateRepository): Promise<string> {
  await fs.cp(template.root, caseDir, { recursive: true });
  return path.join(caseDir, 'repo');
}

const nothing = async (): Promise<string[]> => [];

/** `cairn add` of a new version of data.bin. */
const add: Prepare = async (caseDir, template) => {
  const repo = await copyTemplate(caseDir, template);
  const v2 = pseudoRandomBytes('data v2', 600_000);
  const file = path.join(caseDir, 'work/data.bin');
  await fs.writeFile(file, v2);
  return {
    repo,
    passphrase: null,
    committed: template.committed,
    run: cli(['add', file, '--repo', repo, '-m', 'v2']),
    afterCrash: nothing,
    completed: async (engine) => restoreProblems(engine, [{ reference: 'data.bin', files: { 'data.bin': v2 } }]),
  };
};

/** The same `cairn add`, over a lock left by a process that no longer runs. */
const lockTakeover: Prepare = async (caseDir, template) => {
  const prepared = await add(caseDir, template);
  const file = lockFilePath(path.join(prepared.repo, 'local'));
  await fs.mkdir(path.dirname(file), { recursive: true });
  const record = { pid: await deadPid(), host: os.hostname(), startedAt: new Date().toISOString(), nonce: crypto.randomBytes(12).toString('hex'), socket: null, purpose: 'a process that crashed' };
  await fs.writeFile(file, JSON.stringify(record));
  return prepared;
};

/** `cairn gc` of the two forgotten versions: one pack deleted, one rewritten. */
const gc: Prepare = async (caseDir, template) => {
  const repo = await copyTemplate(caseDir, template);
  return {
    repo,
    passphrase: null,
    committed: template.committed,
    run: cli(['gc', '--grace-days', '0', '--repo', repo]),
    afterCrash: nothing,
    completed: async (engine) => {
      // Nothing forgotten is still indexed: the rerun finished the collection.
      const report = await engine.vault.gc({ graceMs: 0, dryRun: true });
      return report.packsDeleted + report.packsRepacked === 0 ? [] : [`gc left work undone: ${JSON.stringify(report)}`];
    },
  };
};

/** Manifest compaction (a fixture script: no command compacts by itself yet). */
const compaction: Prepare = async (caseDir, template) => {
  const repo = await copyTemplate(caseDir, template);
  return {
    repo,
    passphrase: null,
    committed: template.committed,
    run: (crashAt) => runTypeScript(fixture('compact-manifest.ts'), [repo], { env: crashAt ? { CAIRN_CRASH_AT: crashAt } : {} }),
    afterCrash: nothing,
    completed: async () => {
      const snapshots: string[] = [];
      for await (const object of new LocalBackend(repo).list('manifest/snapshots/')) snapshots.push(object.key);
      return snapshots.length >= 1 ? [] : ['no manifest snapshot was written'];
    },
  };
};

/** `cairn backup` to a second folder (a file:// endpoint). */
const backup: Prepare = async (caseDir, template) => {
  const repo = await copyTemplate(caseDir, template);
  const endpointRoot = path.join(caseDir, 'endpoint');
  const target = path.join(endpointRoot, 'bucket');
  const toCopy = await listObjects(repo);
  await EndpointStore.forLocalDir(path.join(repo, 'local')).upsert(
    parseEndpoint({ name: 'second', url: `file://${endpointRoot}`, bucket: 'bucket', accessKeyId: 'unused', secretAccessKey: 'unused' }),
  );
  return {
    repo,
    passphrase: null,
    committed: template.committed,
    run: cli(['backup', '--to', 'second', '--repo', repo]),
    afterCrash: async () => partialCopyProblems(target),
    completed: async () => {
      // Everything the repository held when the backup started (its job record comes after).
      const copied = await listObjects(target);
      const problems = [...toCopy].filter(([key, size]) => isRepositoryObject(key) && copied.get(key) !== size).map(([key]) => `${key} is missing from the copy`);
      problems.push(...(await partialCopyProblems(target, true)));
      // The copy is a repository of its own: every committed version restores from it.
      if (problems.length === 0) problems.push(...(await withOpenEngine(target, null, (copy) => restoreProblems(copy, template.committed))));
      return problems;
    },
  };
};

/** `cairn restore` of a version into a new folder. */
const restore: Prepare = async (caseDir, template) => {
  const repo = await copyTemplate(caseDir, template);
  const out = path.join(caseDir, 'out');
  const expected = template.committed[0]!;
  return {
    repo,
    passphrase: null,
    committed: template.committed,
    run: cli(['restore', expected.reference, '--to', out, '--any-status', '--repo', repo]),
    afterCrash: async () => {
      // The file must not exist under its real name until it is complete.
      const present = await fs.readdir(out).catch(() => []);
      return present.filter((name) => Object.hasOwn(expected.files, name)).map((name) => `${name} is visible before its restore finished`);
    },
    completed: async () => {
      const problems: string[] = [];
      for (const [name, bytes] of Object.entries(expected.files)) {
        const restored = await fs.readFile(path.join(out, name)).catch(() => null);
        if (!restored?.equals(bytes)) problems.push(`${name} was not restored byte-identical`);
      }
      return problems;
    },
  };
};

/** `cairn init --encrypt` of a new repository. */
const init: Prepare = async (caseDir) => {
  const repo = path.join(caseDir, 'repo');
  const passphrase = 'crash suite passphrase';
  return {
    repo,
    passphrase,
    committed: [],
    run: cli(['init', '--encrypt', '--repo', repo], { CAIRN_PASSWORD: passphrase }),
    afterCrash: async () => ((await fs.stat(path.join(repo, 'config')).catch(() => null)) ? ['the config exists before init finished'] : []),
    completed: async (engine) => {
      // The key that opened the repository is the one that encrypts it: a stored version reads back.
      const file = path.join(caseDir, 'after-init.bin');
      const bytes = pseudoRandomBytes('after init', 100_000);
      await fs.writeFile(file, bytes);
      await engine.vault.addArtifact({ path: file });
      return restoreProblems(engine, [{ reference: 'after-init.bin', files: { 'after-init.bin': bytes } }]);
    },
  };
};

export const scenarios: Record<ScenarioName, Prepare> = { add, gc, compaction, backup, restore, init, 'lock-takeover': lockTakeover };

/**
 * A backup target at any instant: when it has a config it is a repository whose index names
 * only packs it has (packs go before the index segments that point into them).
 */
async function partialCopyProblems(target: string, requireConfig = false): Promise<string[]> {
  const backend = new LocalBackend(target);
  if (!(await Repository.hasConfig(backend))) return requireConfig ? ['the copy has no config'] : [];
  const localDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cairn-crash-copy-'));
  try {
    const copy = await Repository.open(backend, { localDir });
    const report = await checkRepository(copy, { readData: requireConfig });
    return report.problems.map((p) => `the copy: ${p.message}`);
  } finally {
    await fs.rm(localDir, { recursive: true, force: true });
  }
}

async function listObjects(root: string): Promise<Map<string, number>> {
  const objects = new Map<string, number>();
  for await (const object of new LocalBackend(root).list('')) objects.set(object.key, object.size);
  return objects;
}

/** The pid of a process that has exited (and been reaped). */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', () => resolve(child.pid!));
  });
}
