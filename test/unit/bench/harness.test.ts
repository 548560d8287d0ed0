import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCairnSnapshot } from '../../../bench/lib/backup-tools';
import { runMeasured, parseTimeVerbose } from '../../../bench/lib/measured-command';
import { MetricTable } from '../../../bench/lib/metric-table';
import { checkRestore } from '../../../bench/lib/restore-check';
import { renderRepositorySection } from '../../../bench/lib/repository-report';
import { replaceSection, writeResultsSection } from '../../../bench/lib/results-section';
import { median, medianPairRatio, summarize } from '../../../bench/lib/stats';
import { digestTree } from '../../../bench/lib/tree-digest';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

let temp: TempDir;
beforeEach(async () => {
  temp = await makeTempDir('bench-harness');
});
afterEach(async () => {
  await temp.remove();
});

const timeOutput = `\tCommand being timed: "restic -r repo backup data"
\tUser time (seconds): 3.21
\tSystem time (seconds): 0.45
\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02.50
\tMaximum resident set size (kbytes): 123456
\tExit status: 0
`;

describe('bench harness', () => {
  it('reads wall time, CPU time, peak memory and exit status from /usr/bin/time -v', () => {
    expect(parseTimeVerbose(timeOutput)).toEqual({ wallSeconds: 62.5, userSeconds: 3.21, systemSeconds: 0.45, maxRssBytes: 123456 * 1024, exitStatus: 0 });
    expect(parseTimeVerbose(timeOutput.replace('1:02.50', '1:00:03')).wallSeconds).toBe(3603);
    expect(parseTimeVerbose('').wallSeconds).toBeNaN();
  });

  it.skipIf(!existsSync('/usr/bin/time'))('reports a failing or missing command as a result, not an exception', async () => {
    const ok = await runMeasured(['sh', '-c', 'echo out; echo err >&2']);
    expect(ok.ok).toBe(true);
    expect(ok.stdout).toBe('out\n');
    expect(ok.maxRssBytes).toBeGreaterThan(0);

    const failing = await runMeasured(['sh', '-c', 'echo broken >&2; exit 3']);
    expect(failing.ok).toBe(false);
    expect(failing.exitCode).toBe(3);
    expect(failing.error).toMatch(/exit status 3: .*broken/s);

    const missing = await runMeasured(['cairn-bench-no-such-command']);
    expect(missing.ok).toBe(false);
    expect(missing.error).toMatch(/cannot run/);

    const slow = await runMeasured(['sleep', '5'], { timeoutMs: 200 });
    expect(slow.ok).toBe(false);
    expect(slow.error).toMatch(/timed out/);
  });

  it('summarises runs and pairs ratios by run', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(summarize([5, 1, 9])).toEqual({ count: 3, min: 1, median: 5, max: 9 });
    expect(summarize([])).toBeNull();
    const cairn = new Map([[1, 10], [2, 30], [3, 20]]);
    const restic = new Map([[1, 5], [2, 10], [4, 1]]);
    expect(medianPairRatio(cairn, restic)).toBe(2.5); // runs 1 and 2 only: ratios 2 and 3
    expect(medianPairRatio(cairn, new Map())).toBeNull();
  });

  it('builds rows with medians, ratios, targets and errors', () => {
    const table = new MetricTable();
    const bytes = table.define({ id: 'b', label: 'Bytes added', unit: 'MB', digits: 1, better: 'lower', target: { text: 'ratio ≤ 1.1', met: (_m, ratio) => (ratio === null ? null : ratio <= 1.1) } });
    const speed = table.define({ id: 's', label: 'Speed', unit: 'MB/s', digits: 1, better: 'higher' });
    table.record(bytes, 'cairn', 1, 10.5);
    table.record(bytes, 'restic', 1, 10);
    table.record(speed, 'restic', 1, 100);
    table.fail(speed, 'cairn', 1, 'unknown command');
    table.record(speed, 'restic', 2, Number.POSITIVE_INFINITY);

    const [bytesRow, speedRow] = table.rows();
    expect(bytesRow?.ratio).toBeCloseTo(1.05);
    expect(bytesRow?.met).toBe(true);
    expect(speedRow?.summaries.cairn).toBeNull();
    expect(speedRow?.met).toBeNull();
    expect(speedRow?.errors).toEqual([
      { tool: 'cairn', run: 1, message: 'unknown command' },
      { tool: 'restic', run: 2, message: 'not a finite number: Infinity' },
    ]);
    expect(table.errorCount).toBe(2);
    expect(table.has(speed, 'restic', 1)).toBe(true);
    expect(() => table.define({ id: 'b', label: 'again', unit: '', digits: 0, better: 'lower' })).toThrow(/twice/);
  });

  it('renders the section with one line per distinct failure', () => {
    const table = new MetricTable();
    const ingest = table.define({ id: 'i', label: 'First ingest', unit: 'MB/s', digits: 1, better: 'higher' });
    const rss = table.define({ id: 'r', label: 'Peak RSS', unit: 'MB', digits: 0, better: 'lower' });
    for (const run of [1, 2]) {
      for (const spec of [ingest, rss]) table.fail(spec, 'cairn', run, `\`cairn --repo large-cairn-run${run} init\` failed: exit status 2`);
      table.record(ingest, 'restic', run, 100 + run);
      table.record(rss, 'restic', run, 120);
    }
    const machine = { cpus: 2, cpuModel: 'cpu', memoryGiB: 24, os: 'Linux', node: 'v20', restic: 'restic 0.14.0' };
    const section = renderRepositorySection(table.rows(), {
      scale: 'small', seed: 1, runs: 2, date: '2025-01-01 00:00 UTC', machine, loadAtStart: 0.5, revision: 'abc',
      cairnEntry: 'built', dataset: 'data', memoryFiles: 'files', tools: [], invocation: 'npm run bench', durationSeconds: 60,
    });
    expect(section).toContain('| First ingest (MB/s, higher is better) ⚠ | — | 101.5 | — | — | — |');
    const errorLines = section.split('\n').filter((line) => line.startsWith('- cairn'));
    expect(errorLines).toEqual(['- cairn, run 1, 2: `cairn --repo large-cairn-runN init` failed: exit status 2 (blocks: First ingest; Peak RSS)']);
  });

  it('replaces only its own section of RESULTS.md', async () => {
    const document = '# Results\n\n<!-- manifest:begin -->\nothers\n<!-- manifest:end -->\n';
    const once = replaceSection(document, 'repository', 'first');
    expect(once).toContain('<!-- repository:begin -->\nfirst\n<!-- repository:end -->');
    const twice = replaceSection(once, 'repository', 'second');
    expect(twice).toContain('second');
    expect(twice).not.toContain('first');
    expect(twice).toContain('<!-- manifest:begin -->\nothers\n<!-- manifest:end -->');
    expect(() => replaceSection('<!-- repository:begin -->\n', 'repository', 'x')).toThrow(/broken/);

    const file = temp.join('RESULTS.md');
    await writeResultsSection(file, 'repository', 'body');
    const written = await fs.readFile(file, 'utf8');
    expect(written.startsWith('# Cairn benchmark results')).toBe(true);
    expect(written).toContain('<!-- repository:begin -->\nbody\n<!-- repository:end -->');
  });

  it('reads the tree id from cairn snapshot --json, pretty-printed or not', () => {
    const object = { treeId: 'abc', files: 2, bytesRead: 10, bytesNew: 5, durationMs: 7 };
    expect(parseCairnSnapshot(JSON.stringify(object, null, 2)).treeId).toBe('abc');
    expect(parseCairnSnapshot(`${JSON.stringify(object)}\n`).bytesNew).toBe(5);
    expect(() => parseCairnSnapshot('{"ok": false}')).toThrow(/treeId/);
    expect(() => parseCairnSnapshot('')).toThrow(/treeId/);
  });

  it('finds and checks restored files wherever the tool put them', async () => {
    const source = temp.join('data', 'large');
    await temp.write('data/large/a.bin', 'alpha');
    await temp.write('data/large/sub/b.bin', 'beta');
    const expected = await digestTree(source);

    // restic style: the absolute source path recreated under the target
    await temp.write(path.join('restic-out', source, 'a.bin'), 'alpha');
    await temp.write(path.join('restic-out', source, 'sub/b.bin'), 'beta');
    expect(await checkRestore(temp.join('restic-out'), source, expected)).toBeNull();

    // files straight in the target, one of them wrong
    await temp.write('flat-out/a.bin', 'alpha');
    await temp.write('flat-out/sub/b.bin', 'BETA');
    expect(await checkRestore(temp.join('flat-out'), source, expected)).toMatch(/content differs: sub\/b.bin/);

    await fs.mkdir(temp.join('empty-out'));
    expect(await checkRestore(temp.join('empty-out'), source, expected)).toMatch(/not found/);
  });
});
