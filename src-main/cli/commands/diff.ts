import type { Command } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { maxContentBytes } from '../../../src-shared/catalogue/content';
import type { CommandOutput } from '../../../src-shared/contract';
import type { CliContext } from '../context';
import { formatBytes, UsageError } from '../output';
import { versionJson } from './catalogue';

/**
 * `cairn diff A B`: what changed between two versions. Text files (within the first --max-bytes
 * of each side) get a unified line diff; other files their sizes and digests; and the summary
 * says how much of B's bytes were already stored (chunk reuse).
 */

/** Changed files whose content is fetched for a line diff. */
const maxFilesWithPatch = 20;

type Comparison = CommandOutput<'catalogue.compare'>;
type Content = CommandOutput<'catalogue.content'>;

interface FileDiff {
  path: string;
  change: Comparison['files'][number]['change'];
  /** A unified diff when both sides are text; null for binary files. */
  patch: string | null;
  /** The patch covers only the first --max-bytes of a side. */
  truncated: boolean;
}

function percent(part: number, whole: number): string {
  if (whole === 0) return '100%';
  const value = (part / whole) * 100;
  return `${value >= 99.95 || value < 0.05 ? value.toFixed(0) : value.toFixed(1)}%`;
}

export function reuseSummary(result: Comparison): string {
  const { reuse, b } = result;
  const label = `v${b.number}`;
  if (reuse.bytes === 0) return `${label} has no bytes to compare.`;
  const before =
    reuse.versionsBefore > 0 ? `${percent(reuse.bytesStoredBefore, reuse.bytes)} of ${label}'s bytes (${formatBytes(reuse.bytesStoredBefore)} of ${formatBytes(reuse.bytes)}) were already stored before it` : `${label} is the first version`;
  return `${before}; ${percent(reuse.bytesInA, reuse.bytes)} are shared with v${result.a.number}.`;
}

function parseMaxBytes(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > maxContentBytes) throw new UsageError(`--max-bytes takes a whole number from 1 to ${maxContentBytes}, not "${value}".`);
  return n;
}

export function registerDiffCommand(program: Command, context: () => CliContext): void {
  program
    .command('diff')
    .description('What changed between two versions (NAME@vN NAME@vM; one reference compares it with its previous version)')
    .argument('<a>', 'the older version, e.g. notes.txt@v1 (alone: the version to compare with its previous one)')
    .argument('[b]', 'the newer version, e.g. notes.txt@v2')
    .option('--path <path>', 'only this file (or folder) of a bundle')
    .option('--max-bytes <n>', `bytes of each side read for a line diff (at most ${maxContentBytes})`, String(1024 * 1024))
    .action(async (first: string, second: string | undefined, flags: { path?: string; maxBytes: string }) => {
      const ctx = context();
      const maxBytes = parseMaxBytes(flags.maxBytes);
      let a = first;
      let b = second;
      if (b === undefined) {
        const detail = await ctx.call('catalogue.versions.get', { version: first });
        const parent = detail.version.parentVersionId;
        if (!parent) throw new UsageError(`${detail.version.collection}/${detail.version.name}@v${detail.version.number} has no previous version to compare with.`, 'Name two versions: `cairn diff NAME@v1 NAME@v2`.');
        a = parent;
        b = detail.version.id;
      }
      const result = await ctx.call('catalogue.compare', { a, b, ...(flags.path !== undefined ? { path: flags.path } : {}) });
      const labelA = `${result.a.collection}/${result.a.name}@v${result.a.number}`;
      const labelB = `${result.b.collection}/${result.b.name}@v${result.b.number}`;

      const diffs: FileDiff[] = [];
      for (const file of result.files.filter((f) => f.change !== 'unchanged').slice(0, maxFilesWithPatch)) {
        const read = (version: string, present: boolean): Promise<Content | null> =>
          present ? ctx.call('catalogue.content', { version, path: file.path, maxBytes }) : Promise.resolve(null);
        // One after the other: without a running app each call opens the repository (and its lock).
        const left = await read(result.a.id, file.a !== null);
        const right = await read(result.b.id, file.b !== null);
        const text = [left, right].every((side) => side === null || side.encoding === 'utf8');
        diffs.push({
          path: file.path,
          change: file.change,
          patch: text ? createTwoFilesPatch(left ? `a/${file.path}` : '/dev/null', right ? `b/${file.path}` : '/dev/null', left?.data ?? '', right?.data ?? '', labelA, labelB) : null,
          truncated: Boolean(left?.truncated || right?.truncated),
        });
      }

      ctx.out.result(
        { a: versionJson(result.a), b: versionJson(result.b), sameContent: result.sameContent, counts: result.counts, reuse: result.reuse, files: result.files, diffs },
        () => {
          const lines: string[] = [];
          if (result.sameContent) lines.push(`${labelA} and ${labelB} have the same content.`);
          for (const d of diffs) {
            const file = result.files.find((f) => f.path === d.path)!;
            if (d.patch !== null) {
              lines.push(d.patch.replace(/^=+\n/m, '').trimEnd());
              if (d.truncated) lines.push(`(only the first ${formatBytes(maxBytes)} of each side were compared; pass --max-bytes for more)`);
            } else {
              const side = (s: { size: number; sha256: string } | null) => (s ? `${formatBytes(s.size)} (sha256 ${s.sha256.slice(0, 12)})` : 'absent');
              lines.push(`Binary file ${d.path} ${d.change}: ${side(file.a)} -> ${side(file.b)}`);
            }
          }
          const changed = result.files.filter((f) => f.change !== 'unchanged').length;
          if (changed > diffs.length) lines.push(`… and ${changed - diffs.length} more changed file(s) (use --path to pick one).`);
          const c = result.counts;
          if (c.added + c.removed + c.changed + c.unchanged > 1) lines.push(`${c.changed} changed, ${c.added} added, ${c.removed} removed, ${c.unchanged} unchanged`);
          lines.push(reuseSummary(result));
          return lines.join('\n');
        },
      );
    });
}
