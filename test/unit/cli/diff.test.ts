/** `cairn diff`: a unified line diff for text, sizes and digests for binaries, the reuse summary, and clear errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli } from '../../helpers/cli';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

let dir: TempDir;
let repo: string;

async function cairn(...args: string[]) {
  return runCli(['--repo', repo, ...args], { guardMs: 60_000 });
}

beforeAll(async () => {
  dir = await makeTempDir('cli-diff');
  repo = dir.join('repo');
  expect((await cairn('init')).code).toBe(0);
  const notes = await dir.write('notes.txt', 'one\ntwo\nthree\n');
  expect((await cairn('add', notes)).code).toBe(0);
  await dir.write('notes.txt', 'one\n2\nthree\nfour\n');
  expect((await cairn('add', notes)).code).toBe(0);
  const blob = await dir.write('blob.bin', new Uint8Array(5000).map((_, i) => (i * 31) % 251));
  expect((await cairn('add', blob)).code).toBe(0);
  await dir.write('blob.bin', new Uint8Array(5000).map((_, i) => (i * 37) % 251));
  expect((await cairn('add', blob)).code).toBe(0);
}, 120_000);

afterAll(() => dir.remove());

describe('cairn diff', () => {
  it('prints a unified diff of two text versions and the reuse summary', async () => {
    const result = await cairn('diff', 'notes.txt@v1', 'notes.txt@v2');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('--- a/notes.txt\tdefault/notes.txt@v1');
    expect(result.stdout).toContain('+++ b/notes.txt\tdefault/notes.txt@v2');
    expect(result.stdout).toMatch(/^-two$/m);
    expect(result.stdout).toMatch(/^\+2$/m);
    expect(result.stdout).toMatch(/^\+four$/m);
    expect(result.stdout).toContain("of v2's bytes");
  });

  it('compares a version with its previous one when given one reference, and prints JSON with --json', async () => {
    const result = await cairn('--json', 'diff', 'notes.txt');
    expect(result.code, result.stderr).toBe(0);
    const json = parseJsonOutput(result.stdout) as { a: { number: number }; b: { number: number }; counts: object; reuse: { bytes: number }; diffs: { path: string; patch: string | null }[] };
    expect(json.a.number).toBe(1);
    expect(json.b.number).toBe(2);
    expect(json.counts).toEqual({ added: 0, removed: 0, changed: 1, unchanged: 0 });
    expect(json.reuse.bytes).toBe(17);
    expect(json.diffs[0]?.patch).toContain('+four');
  });

  it('describes binary files by size and digest', async () => {
    const result = await cairn('diff', 'blob.bin@v1', 'blob.bin@v2');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Binary file blob\.bin changed: 4\.9 KiB \(sha256 [0-9a-f]{12}\) -> 4\.9 KiB/);
  });

  it('explains bad references and options', async () => {
    const first = await cairn('diff', 'notes.txt@v1');
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('has no previous version');
    const unknown = await cairn('diff', 'notes.txt@v1', 'ghost@v1');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No artifact "ghost"');
    const bad = await cairn('diff', 'notes.txt', '--max-bytes', 'lots');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-bytes');
  });
});
