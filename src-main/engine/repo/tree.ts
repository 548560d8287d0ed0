import crypto from 'node:crypto';
import { z } from 'zod';
import { CorruptRepositoryError } from './errors';

/**
 * A tree is the content of one version: every file (and folder and symlink) under the ingested
 * path, with paths relative to it. A single file is a tree of one entry. Trees are stored as
 * blobs (content-addressed like chunks), so identical content always has the same tree id.
 */
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const treeEntrySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('file'),
    path: z.string(),
    size: z.number().int().nonnegative(),
    mode: z.number().int().nonnegative(),
    mtimeMs: z.number(),
    sha256: hex64,
    chunks: z.array(hex64),
  }),
  z.object({ type: z.literal('dir'), path: z.string(), mode: z.number().int().nonnegative(), mtimeMs: z.number() }),
  z.object({ type: z.literal('symlink'), path: z.string(), target: z.string(), mtimeMs: z.number() }),
]);

export type TreeEntry = z.infer<typeof treeEntrySchema>;
export type FileEntry = Extract<TreeEntry, { type: 'file' }>;

export const treeSchema = z.object({
  format: z.literal('cairn-tree'),
  version: z.literal(1),
  /** 'file' when the ingested path was one file (its entry has the file's own name). */
  root: z.enum(['file', 'dir']),
  entries: z.array(treeEntrySchema),
});

export type Tree = z.infer<typeof treeSchema>;

const maxPathBytes = 4096;
const maxSegmentBytes = 255;

/**
 * Whether a stored path is safe to restore under a target folder: relative, normalised, no
 * `..`, no NUL, no backslash, no empty segment, within the usual OS limits.
 */
export function pathProblem(path: string): string | null {
  if (path.length === 0) return 'empty path';
  if (path.includes('\0')) return 'contains a NUL byte';
  if (path.includes('\\')) return 'contains a backslash';
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) return 'is absolute';
  if (Buffer.byteLength(path) > maxPathBytes) return `is longer than ${maxPathBytes} bytes`;
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') return 'has an empty or "." segment';
    if (segment === '..') return 'contains ".."';
    if (Buffer.byteLength(segment) > maxSegmentBytes) return `has a name longer than ${maxSegmentBytes} bytes`;
  }
  return null;
}

/** The canonical bytes of a tree: entries sorted by path, fixed key order, no whitespace. */
export function encodeTree(tree: Tree): Buffer {
  const entries = [...tree.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const ordered = entries.map((e) => {
    switch (e.type) {
      case 'file':
        return { type: e.type, path: e.path, size: e.size, mode: e.mode, mtimeMs: e.mtimeMs, sha256: e.sha256, chunks: e.chunks };
      case 'dir':
        return { type: e.type, path: e.path, mode: e.mode, mtimeMs: e.mtimeMs };
      case 'symlink':
        return { type: e.type, path: e.path, target: e.target, mtimeMs: e.mtimeMs };
    }
  });
  return Buffer.from(JSON.stringify({ format: 'cairn-tree', version: 1, root: tree.root, entries: ordered }));
}

/** Parses and validates a stored tree; anything hostile is a CORRUPT error naming the tree. */
export function decodeTree(bytes: Buffer, treeId: string): Tree {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new CorruptRepositoryError(`Tree ${treeId}`, 'it is not valid JSON');
  }
  const parsed = treeSchema.safeParse(json);
  if (!parsed.success) throw new CorruptRepositoryError(`Tree ${treeId}`, parsed.error.issues[0]?.message ?? 'invalid');
  const seen = new Set<string>();
  for (const entry of parsed.data.entries) {
    const problem = pathProblem(entry.path);
    if (problem) throw new CorruptRepositoryError(`Tree ${treeId}`, `entry "${entry.path.slice(0, 200)}" ${problem}`);
    if (seen.has(entry.path)) throw new CorruptRepositoryError(`Tree ${treeId}`, `entry "${entry.path}" appears twice`);
    seen.add(entry.path);
  }
  // Nothing lies under a file or a symbolic link: restoring it would mean writing through one.
  const leaves = new Set(parsed.data.entries.filter((e) => e.type !== 'dir').map((e) => e.path));
  for (const entry of parsed.data.entries) {
    for (let at = entry.path.lastIndexOf('/'); at > 0; at = entry.path.lastIndexOf('/', at - 1)) {
      const parent = entry.path.slice(0, at);
      if (leaves.has(parent)) throw new CorruptRepositoryError(`Tree ${treeId}`, `entry "${entry.path.slice(0, 200)}" lies under "${parent.slice(0, 200)}", which is not a folder`);
    }
  }
  return parsed.data;
}

/**
 * The digest people see and can check with standard tools: for a single file its SHA-256; for
 * a folder the SHA-256 of the `sha256sum`-style listing of its files (`<sha256>  <path>\n`,
 * sorted by path), i.e. what `find . -type f | sort | xargs sha256sum | sha256sum` prints
 * from inside the folder when run with paths stripped of the leading `./`.
 */
export function treeDigest(tree: Tree): string {
  const files = tree.entries.filter((e): e is FileEntry => e.type === 'file');
  if (tree.root === 'file' && files.length === 1) return files[0]!.sha256;
  const listing = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.path}\n`)
    .join('');
  return crypto.createHash('sha256').update(listing).digest('hex');
}

export function treeSize(tree: Tree): number {
  let total = 0;
  for (const e of tree.entries) if (e.type === 'file') total += e.size;
  return total;
}
