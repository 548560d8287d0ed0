import { describe, expect, it } from 'vitest';
import { decodeTree, encodeTree, pathProblem, treeDigest, type Tree } from '../../../src-main/engine/repo/tree';
import crypto from 'node:crypto';

const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

function tree(entries: Tree['entries'], root: Tree['root'] = 'dir'): Tree {
  return { format: 'cairn-tree', version: 1, root, entries };
}

describe('tree paths', () => {
  it.each([
    ['', 'empty path'],
    ['/etc/passwd', 'is absolute'],
    ['C:/x', 'is absolute'],
    ['a/../b', 'contains ".."'],
    ['..', 'contains ".."'],
    ['a//b', 'has an empty or "." segment'],
    ['a/./b', 'has an empty or "." segment'],
    ['a\\b', 'contains a backslash'],
    ['a\0b', 'contains a NUL byte'],
    [`${'x'.repeat(256)}`, 'has a name longer than 255 bytes'],
  ])('refuses %j', (p, why) => {
    expect(pathProblem(p)).toBe(why);
  });

  it('accepts ordinary relative paths', () => {
    expect(pathProblem('models/llama/config.json')).toBeNull();
    expect(pathProblem('naïve file.txt')).toBeNull();
  });
});

describe('tree encoding', () => {
  const a = { type: 'file' as const, path: 'b.txt', size: 1, mode: 0o644, mtimeMs: 1, sha256: sha('b'), chunks: [sha('c')] };
  const b = { type: 'file' as const, path: 'a.txt', size: 2, mode: 0o644, mtimeMs: 2, sha256: sha('a'), chunks: [] };

  it('is canonical: entry order does not change the bytes', () => {
    expect(encodeTree(tree([a, b])).equals(encodeTree(tree([b, a])))).toBe(true);
  });

  it('round-trips', () => {
    const t = tree([b, a, { type: 'dir', path: 'd', mode: 0o755, mtimeMs: 3 }, { type: 'symlink', path: 'l', target: '../x', mtimeMs: 4 }]);
    const decoded = decodeTree(encodeTree(t), 'x');
    expect(decoded.entries.map((e) => e.path)).toEqual(['a.txt', 'b.txt', 'd', 'l']);
  });

  it('refuses hostile trees with a CORRUPT error naming the tree', () => {
    const hostile = Buffer.from(JSON.stringify({ format: 'cairn-tree', version: 1, root: 'dir', entries: [{ ...a, path: '../escape' }] }));
    expect(() => decodeTree(hostile, 'abc')).toThrow(/Tree abc is damaged: entry "..\/escape" contains ".."/);
    const dup = Buffer.from(JSON.stringify({ format: 'cairn-tree', version: 1, root: 'dir', entries: [a, a] }));
    expect(() => decodeTree(dup, 'abc')).toThrow(/appears twice/);
    expect(() => decodeTree(Buffer.from('{nope'), 'abc')).toThrow(/not valid JSON/);
  });

  it('digest of a single file is its sha256; of a folder the sha256sum listing', () => {
    expect(treeDigest(tree([a], 'file'))).toBe(a.sha256);
    const listing = `${b.sha256}  a.txt\n${a.sha256}  b.txt\n`;
    expect(treeDigest(tree([a, b]))).toBe(sha(listing));
  });
});
