/**
 * `npm run security:check`: scans the desktop host and renderer with Electronegativity, writes
 * test/security/electronegativity-report.csv, and fails when a high or medium finding has no
 * written reason in test/security/FINDINGS.md (the vitest gate checks the same on every run).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJustifications, scan, staleReasons, toCsv, unjustified } from './electronegativity';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const findings = await scan(root);
await fs.writeFile(path.join(here, 'electronegativity-report.csv'), toCsv(findings));
const reasons = parseJustifications(await fs.readFile(path.join(here, 'FINDINGS.md'), 'utf8'));

const counts = new Map<string, number>();
for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
console.log(`security:check: ${findings.length} finding(s): ${[...counts].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ') || 'none'}`);
console.log('security:check: wrote test/security/electronegativity-report.csv');

const missing = unjustified(findings, reasons);
for (const f of missing) console.error(`security:check: no reason in FINDINGS.md for ${f.severity} ${f.id} at ${f.file}:${f.line}: ${f.description}`);
for (const r of staleReasons(findings, reasons)) console.error(`security:check: FINDINGS.md explains ${r.id} in ${r.file}, which the scan no longer reports: remove it`);
if (missing.length > 0) process.exit(1);
