/**
 * Runs Electronegativity (the security scanner the Electron docs name) over the desktop host and
 * the renderer, and reads and writes its findings as CSV. Used by `npm run security:check`
 * (which refreshes test/security/electronegativity-report.csv) and by the vitest gate beside it.
 *
 * The scanner is called through its programmatic API: its CLI breaks with the `commander` this
 * project installs (it requires commander without declaring it).
 */
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** The folders scanned: the Electron host (main + preload) and the UI it shows. */
export const scannedFolders = ['src-main/electron', 'src-renderer'] as const;

export const severities = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'] as const;
export type Severity = (typeof severities)[number];

export interface Finding {
  id: string;
  severity: Severity;
  confidence: string;
  /** Repository-relative path ('N/A' for a global finding). */
  file: string;
  line: number;
  column: number;
  sample: string;
  description: string;
}

interface RawIssue {
  id: string;
  severity: { name: string };
  confidence: { name: string };
  file: string;
  location: { line: number; column: number };
  sample?: string;
  description: string;
}

type RunElectronegativity = (options: Record<string, unknown>, forCli: boolean) => Promise<{ issues: RawIssue[]; errors: { file: string; message: string; tolerable: boolean }[] }>;

const require = createRequire(import.meta.url);

/** The Electron version the app ships (the scanner judges defaults by it). */
export async function electronVersion(root: string): Promise<string> {
  const manifest = JSON.parse(await fs.readFile(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * Scans copies of the scanned folders laid out as in the repository (so reported paths are
 * repository paths), plus package.json for the Electron version. Copies rather than the tree
 * itself: the scanner walks everything under its input.
 */
export async function scan(root: string, folders: readonly string[] = scannedFolders): Promise<Finding[]> {
  const stage = await fs.mkdtemp(path.join(os.tmpdir(), 'cairn-electronegativity-'));
  try {
    for (const folder of folders) await fs.cp(path.join(root, folder), path.join(stage, folder), { recursive: true });
    await fs.copyFile(path.join(root, 'package.json'), path.join(stage, 'package.json'));
    const run = require('@doyensec/electronegativity') as RunElectronegativity;
    const result = await run(
      {
        input: stage,
        isRelative: true,
        isVerbose: false,
        customScan: [],
        // Asks GitHub for newer Electron releases: no network here, and the version is pinned.
        excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
        parserPlugins: [],
        electronVersionOverride: await electronVersion(root),
      },
      false,
    );
    const broken = result.errors.filter((e) => !e.tolerable);
    if (broken.length > 0) throw new Error(`electronegativity could not parse: ${broken.map((e) => `${e.file}: ${e.message}`).join('; ')}`);
    return result.issues.map(toFinding).sort(byPlace);
  } finally {
    await fs.rm(stage, { recursive: true, force: true });
  }
}

function toFinding(issue: RawIssue): Finding {
  const severity = issue.severity.name.toUpperCase();
  if (!(severities as readonly string[]).includes(severity)) throw new Error(`unknown severity ${issue.severity.name}`);
  return {
    id: issue.id,
    severity: severity as Severity,
    confidence: issue.confidence.name.toUpperCase(),
    file: issue.file.split(path.sep).join('/'),
    line: issue.location.line,
    column: issue.location.column,
    sample: issue.sample ?? '',
    description: issue.description,
  };
}

function byPlace(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.id.localeCompare(b.id);
}

// ---- The report (CSV, the scanner's own columns) ------------------------------------------

const csvHeader = ['issue', 'severity', 'confidence', 'filename', 'location', 'sample', 'description', 'url'];

export function toCsv(findings: readonly Finding[]): string {
  const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;
  const rows = findings.map((f) =>
    [f.id, f.severity, f.confidence, quote(f.file), `${f.line}:${f.column}`, quote(f.sample), quote(f.description), `https://github.com/doyensec/electronegativity/wiki/${f.id}`].join(','),
  );
  return `${[csvHeader.join(','), ...rows].join('\n')}\n`;
}

export function parseCsv(text: string): Finding[] {
  const records = parseCsvRecords(text);
  const [header, ...rows] = records;
  if (!header || header.join(',') !== csvHeader.join(',')) throw new Error('not an electronegativity report: unexpected header');
  return rows.map((cells) => {
    const [id = '', severity = '', confidence = '', file = '', location = '', sample = '', description = ''] = cells;
    const [line = '0', column = '0'] = location.split(':');
    if (!(severities as readonly string[]).includes(severity)) throw new Error(`unknown severity "${severity}" in the report`);
    return { id, severity: severity as Severity, confidence, file, line: Number(line), column: Number(column), sample, description };
  });
}

/** RFC 4180 records: quoted cells may hold commas, quotes ("") and newlines. */
function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(cell);
      cell = '';
    } else if (ch === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
    } else if (ch !== '\r') cell += ch;
  }
  if (cell !== '' || record.length > 0) records.push([...record, cell]);
  return records;
}

// ---- FINDINGS.md: a written reason for every finding that stays ---------------------------

export interface Justification {
  id: string;
  file: string;
  reason: string;
}

/** The rows of FINDINGS.md's table: | CHECK_ID | file | severity | reason |. */
export function parseJustifications(markdown: string): Justification[] {
  const found: Justification[] = [];
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // A table row splits into ['', id, file, severity, reason, ''].
    if (cells.length < 6) continue;
    const [, id = '', file = '', , reason = ''] = cells;
    if (!/^`?[A-Z][A-Z0-9_]+`?$/.test(id)) continue;
    found.push({ id: id.replace(/`/g, ''), file: file.replace(/`/g, ''), reason });
  }
  return found;
}

/** Findings that need a written reason (high and medium), keyed by check and file. */
export function needsReason(finding: Finding): boolean {
  return finding.severity === 'HIGH' || finding.severity === 'MEDIUM';
}

export function unjustified(findings: readonly Finding[], reasons: readonly Justification[]): Finding[] {
  return findings.filter((f) => needsReason(f) && !reasons.some((r) => r.id === f.id && r.file === f.file && r.reason.length >= 20));
}

/** Reasons for findings that no longer exist: the file should say only what is true. */
export function staleReasons(findings: readonly Finding[], reasons: readonly Justification[]): Justification[] {
  return reasons.filter((r) => !findings.some((f) => f.id === r.id && f.file === r.file));
}

/** What a comparison of two scans looks at: which check, where, how bad (not line numbers). */
export function findingKeys(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.severity} ${f.id} ${f.file}`).sort();
}
