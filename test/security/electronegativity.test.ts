import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../helpers/tmp';
import { findingKeys, needsReason, parseCsv, parseJustifications, scan, staleReasons, toCsv, unjustified, type Finding, type Justification } from './electronegativity';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const scanTimeout = 120_000;

let report: Finding[];
let reasons: Justification[];

beforeAll(async () => {
  report = parseCsv(await fs.readFile(path.join(here, 'electronegativity-report.csv'), 'utf8'));
  reasons = parseJustifications(await fs.readFile(path.join(here, 'FINDINGS.md'), 'utf8'));
});

describe('the committed Electronegativity report', () => {
  it('has a written reason in FINDINGS.md for every high and medium finding', () => {
    const missing = unjustified(report, reasons).map((f) => `${f.severity} ${f.id} at ${f.file}:${f.line}`);
    expect(missing, 'add a row to test/security/FINDINGS.md for each, or fix the code').toEqual([]);
  });

  it('has no reason in FINDINGS.md for a finding that is gone', () => {
    expect(staleReasons(report, reasons)).toEqual([]);
  });

  it(
    'matches a fresh scan of the sources (run `npm run security:check` to refresh it)',
    async () => {
      const fresh = await scan(root);
      expect(findingKeys(fresh)).toEqual(findingKeys(report));
    },
    scanTimeout,
  );
});

describe('the gate itself', () => {
  let dir: TempDir;
  beforeAll(async () => {
    dir = await makeTempDir('electronegativity');
  });
  afterAll(() => dir.remove());

  it(
    'catches an insecure window and demands a reason for it',
    async () => {
      await dir.write('package.json', JSON.stringify({ name: 'x', devDependencies: { electron: '45.5.0' } }));
      await dir.write('app/main.js', "const { BrowserWindow } = require('electron');\nnew BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n");
      await fs.mkdir(dir.join('node_modules/electron'), { recursive: true });
      await fs.writeFile(dir.join('node_modules/electron/package.json'), JSON.stringify({ version: '45.5.0' }));
      const findings = await scan(dir.path, ['app']);
      const high = findings.filter((f) => f.severity === 'HIGH').map((f) => f.id);
      expect(high).toEqual(expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']));
      expect(unjustified(findings, []).length).toBeGreaterThanOrEqual(2);
      // A reason that names the check and file clears it; a one-word one does not.
      const ni = findings.find((f) => f.id === 'CONTEXT_ISOLATION_JS_CHECK')!;
      expect(unjustified([ni], [{ id: ni.id, file: ni.file, reason: 'Reviewed: this window only ever loads a local page.' }])).toEqual([]);
      expect(unjustified([ni], [{ id: ni.id, file: ni.file, reason: 'fine' }])).toEqual([ni]);
    },
    scanTimeout,
  );

  it('round-trips the report through CSV, quotes and commas included', () => {
    const findings: Finding[] = [
      { id: 'X_CHECK', severity: 'HIGH', confidence: 'FIRM', file: 'a, "b".ts', line: 3, column: 4, sample: 'new BrowserWindow({\n  x: "y" })', description: 'Say "why", please' },
    ];
    expect(parseCsv(toCsv(findings))).toEqual(findings);
    expect(needsReason({ ...findings[0]!, severity: 'LOW' })).toBe(false);
  });

  it('reads FINDINGS.md table rows, and nothing else', () => {
    const parsed = parseJustifications(
      ['| Check | File | Severity | Why |', '| --- | --- | --- | --- |', '| `A_CHECK` | `x.ts` | HIGH | Because of a reason that is long. |', 'A_CHECK in prose'].join('\n'),
    );
    expect(parsed).toEqual([{ id: 'A_CHECK', file: 'x.ts', reason: 'Because of a reason that is long.' }]);
  });
});
