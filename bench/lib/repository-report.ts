/** The "Repository" section of bench/RESULTS.md, rendered from the collected metric rows. */
import type { BackupTool } from './backup-tools';
import type { MachineInfo } from './machine-info';
import type { MetricRow } from './metric-table';
import type { Summary } from './stats';

export interface ReportContext {
  readonly scale: string;
  readonly seed: number;
  readonly runs: number;
  readonly date: string;
  readonly machine: MachineInfo;
  /** 1-minute load average when the timings began: other work on the machine skews them. */
  readonly loadAtStart: number;
  readonly revision: string;
  readonly cairnEntry: string;
  readonly dataset: string;
  readonly memoryFiles: string;
  readonly tools: readonly BackupTool[];
  readonly invocation: string;
  readonly durationSeconds: number;
}

function format(value: number | undefined | null, digits: number): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function spread(summary: Summary | null, digits: number): string {
  if (!summary) return '—';
  return `${format(summary.min, digits)} / ${format(summary.median, digits)} / ${format(summary.max, digits)} (n=${summary.count})`;
}

function metText(met: boolean | null): string {
  if (met === null) return '—';
  return met ? 'yes' : '**no**';
}

/** The headline table: medians, ratio, target. */
export function summaryTable(rows: readonly MetricRow[]): string {
  const lines = ['| metric | cairn median | restic median | ratio cairn/restic | target | met? |', '| --- | ---: | ---: | ---: | --- | --- |'];
  for (const { spec, summaries, ratio, met, errors } of rows) {
    const label = `${spec.label} (${spec.unit}, ${spec.better} is better)${errors.length > 0 ? ' ⚠' : ''}`;
    lines.push(`| ${label} | ${format(summaries.cairn?.median, spec.digits)} | ${format(summaries.restic?.median, spec.digits)} | ${format(ratio, 2)} | ${spec.target?.text ?? '—'} | ${metText(met)} |`);
  }
  return lines.join('\n');
}

function spreadTable(rows: readonly MetricRow[]): string {
  const lines = ['| metric | cairn min / median / max | restic min / median / max |', '| --- | --- | --- |'];
  for (const { spec, summaries } of rows) lines.push(`| ${spec.label} (${spec.unit}) | ${spread(summaries.cairn, spec.digits)} | ${spread(summaries.restic, spec.digits)} |`);
  return lines.join('\n');
}

/**
 * One line per distinct failure: the same error across runs and across the metrics it
 * blocked is listed once, with its runs and metrics.
 */
function errorList(rows: readonly MetricRow[]): string {
  const groups = new Map<string, { tool: string; message: string; runs: Set<number>; metrics: Set<string> }>();
  for (const { spec, errors } of rows) {
    for (const { tool, run, message } of errors) {
      const oneLine = message.replace(/\s+/g, ' ').replace(/run\d+/g, 'runN').slice(0, 300);
      const key = `${tool}\0${oneLine}`;
      const group = groups.get(key) ?? { tool, message: oneLine, runs: new Set(), metrics: new Set() };
      group.runs.add(run);
      group.metrics.add(spec.label);
      groups.set(key, group);
    }
  }
  if (groups.size === 0) return 'None.';
  return [...groups.values()]
    .map(({ tool, message, runs, metrics }) => `- ${tool}, run ${[...runs].sort((a, b) => a - b).join(', ')}: ${message} (blocks: ${[...metrics].join('; ')})`)
    .join('\n');
}

export function renderRepositorySection(rows: readonly MetricRow[], context: ReportContext): string {
  const { machine } = context;
  return `## Repository: Cairn vs restic

Scale **${context.scale}** (seed ${context.seed}), **${context.runs} run(s)** per timing, ${context.date}; the whole run took ${Math.round(context.durationSeconds / 60)} min.
Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB memory, ${machine.os}, Node ${machine.node}, ${machine.restic}; load average ${context.loadAtStart.toFixed(2)} when timing began.
Cairn: ${context.cairnEntry}, source ${context.revision}.
Dataset: ${context.dataset}. Memory test files: ${context.memoryFiles}.

How it was measured:
- Both tools encrypted, repositories in fresh folders under bench/.work/ on the same disk as the data.
- Before any timing, every file of the dataset was read once (untimed), so both tools read from the page cache equally; each tool also ran once untimed (\`restic version\`, \`cairn --version\`) so its own start-up is warm too.
- Each timing ran ${context.runs} time(s), alternating cairn, restic, cairn, restic, …; the ratio is the median of the per-run cairn/restic ratios.
- Wall time and peak memory come from \`/usr/bin/time -v\` around each command ("Elapsed (wall clock) time", 10 ms resolution; "Maximum resident set size", the largest single process). MB = 10^6 bytes.
- Bytes added = sum of file sizes in the repository folder after minus before, the same walk for both tools (local caches outside the repository are not counted).
- Restores are checked: the sha256 of every restored file must equal the source, or the run counts as an error.

${summaryTable(rows)}

Spread of every measurement:

${spreadTable(rows)}

Errors:

${errorList(rows)}

Commands (each timed one run as \`/usr/bin/time -v -o TIMEFILE <command>\`):

\`\`\`
${context.tools.flatMap((tool) => tool.commandTemplates).join('\n')}
\`\`\`

Reproduce: \`${context.invocation}\`
`;
}
