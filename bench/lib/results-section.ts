/**
 * bench/RESULTS.md is shared by several runners: each owns the text between its own
 * `<!-- NAME:begin -->` and `<!-- NAME:end -->` markers and leaves everything else untouched.
 */
import fs from 'node:fs/promises';

const header = `# Cairn benchmark results

Each section below is written by a benchmark runner in bench/; rerun the runner rather than
editing its section by hand. Numbers are from the machine and date each section names.
`;

/** `document` with the named section's body replaced (or appended when it has none yet). */
export function replaceSection(document: string, name: string, body: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${begin}\n${body.trim()}\n${end}`;
  const start = document.indexOf(begin);
  const stop = document.indexOf(end);
  if (start !== -1 && stop > start) return document.slice(0, start) + block + document.slice(stop + end.length);
  if (start !== -1 || stop !== -1) throw new Error(`RESULTS.md has a broken "${name}" section (one marker without the other); fix it by hand`);
  return `${document.trimEnd()}\n\n${block}\n`;
}

export async function writeResultsSection(file: string, name: string, body: string): Promise<void> {
  let document: string;
  try {
    document = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    document = header;
  }
  // Read right before writing and replaced by rename, so nobody ever sees a half-written file.
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, replaceSection(document, name, body));
  await fs.rename(temp, file);
}
