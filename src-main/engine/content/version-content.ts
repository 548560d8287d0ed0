import type { VersionView } from '../../../src-shared/catalogue/views';
import type { Comparison, FileChange, FileComparison, FileContent } from '../../../src-shared/catalogue/content';
import type { ParsedInput } from '../../../src-shared/contract';
import { CairnError } from '../../../src-shared/errors';
import type { Catalogue } from '../catalogue/catalogue';
import type { Repository } from '../repo/repository';
import { decodeTree, type FileEntry, type Tree } from '../repo/tree';
import { readFileRange } from './file-range';
import { guessMime, isTextMime, mimeFromName, utf8Prefix } from './mime';

/** Files listed by one comparison (counts cover all of them). */
const maxComparedFiles = 5000;
/** Earlier versions whose chunks count as "already stored before b". */
const maxVersionsBefore = 200;

function labelOf(version: VersionView): string {
  return `${version.collection}/${version.name}@v${version.number}`;
}

function normalisePath(path: string): string {
  return path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
}

function listPaths(files: readonly FileEntry[]): string {
  const shown = files.slice(0, 10).map((f) => f.path);
  return shown.join(', ') + (files.length > 10 ? `, … (${files.length} files in all)` : '');
}

/**
 * Reads version content for previews and comparisons: one file's bytes (a range), and the
 * differences between two versions with their chunk reuse. Everything is read through the
 * repository (tree blob, then only the chunks a range needs), verified like a restore.
 */
export class VersionContent {
  constructor(
    private readonly repo: Repository,
    private readonly catalogue: Catalogue,
  ) {}

  /** The tree of a version, or a NOT_FOUND error a person can act on when its bytes are not here. */
  private async treeOf(version: VersionView): Promise<Tree> {
    const location = this.repo.locate(version.treeId);
    if (!location || location.type !== 'tree') {
      throw new CairnError('NOT_FOUND', `The content of ${labelOf(version)} is not in this repository.`, {
        hint: version.deleted
          ? 'The version is deleted and garbage collection may have removed its bytes; restore it from a backup endpoint if you have one.'
          : 'Its bytes may not have reached this device yet: run `cairn sync --once`, or `cairn check` to see what is missing.',
      });
    }
    return decodeTree(await this.repo.readBlob(version.treeId), version.treeId);
  }

  async read(input: ParsedInput<'catalogue.content'>): Promise<FileContent> {
    const version = this.catalogue.getVersion(input.version);
    const label = labelOf(version);
    const files = (await this.treeOf(version)).entries.filter((e): e is FileEntry => e.type === 'file');
    let file: FileEntry | undefined;
    if (input.path === undefined) {
      if (files.length !== 1) {
        throw new CairnError(files.length === 0 ? 'NOT_FOUND' : 'INVALID_INPUT', files.length === 0 ? `${label} holds no files.` : `${label} holds ${files.length} files; say which one: ${listPaths(files)}.`, {
          ...(files.length > 0 ? { hint: 'Pass path, e.g. `--path config.json`.', details: { paths: files.slice(0, 100).map((f) => f.path) } } : {}),
        });
      }
      file = files[0];
    } else {
      const wanted = normalisePath(input.path);
      file = files.find((f) => f.path === wanted);
      if (!file) {
        throw new CairnError('NOT_FOUND', `"${input.path}" is not a file of ${label}.`, {
          hint: files.length > 0 ? `Its files: ${listPaths(files)}.` : 'It holds no files.',
        });
      }
    }
    const fileLabel = files.length === 1 ? label : `${file!.path} of ${label}`;
    const bytes = await readFileRange(this.repo, file!, input.offset, input.maxBytes, fileLabel);
    const end = input.offset + bytes.length;
    const truncated = end < file!.size;
    const mime = guessMime(file!.path, input.offset === 0 ? bytes : null, !truncated);
    let length = bytes.length;
    let encoding: FileContent['encoding'] = 'base64';
    let data: string;
    const textEnd = input.encoding === 'auto' && isTextMime(mime) ? utf8Prefix(bytes, truncated) : null;
    if (textEnd !== null) {
      encoding = 'utf8';
      length = textEnd;
      data = bytes.subarray(0, textEnd).toString('utf8');
    } else {
      data = bytes.toString('base64');
    }
    return {
      versionId: version.id,
      label,
      path: file!.path,
      size: file!.size,
      sha256: file!.sha256,
      mime,
      offset: input.offset,
      length,
      truncated: input.offset + length < file!.size,
      encoding,
      data,
    };
  }

  async compare(input: ParsedInput<'catalogue.compare'>): Promise<Comparison> {
    const a = this.catalogue.getVersion(input.a);
    const b = this.catalogue.getVersion(input.b);
    const [treeA, treeB] = await Promise.all([this.treeOf(a), this.treeOf(b)]);
    const wanted = input.path === undefined ? null : normalisePath(input.path);
    const within = (f: FileEntry) => wanted === null || wanted === '' || f.path === wanted || f.path.startsWith(`${wanted}/`);
    const filesA = treeA.entries.filter((e): e is FileEntry => e.type === 'file' && within(e));
    const filesB = treeB.entries.filter((e): e is FileEntry => e.type === 'file' && within(e));
    if (wanted !== null && filesA.length === 0 && filesB.length === 0) {
      throw new CairnError('NOT_FOUND', `"${input.path}" is in neither ${labelOf(a)} nor ${labelOf(b)}.`, {
        hint: 'Paths are relative to what was stored, e.g. "config.json" or "weights/".',
      });
    }

    // Chunks a has anywhere in its tree (reuse is about bytes, not paths).
    const chunksOfA = new Set<string>();
    for (const e of treeA.entries) if (e.type === 'file') for (const id of e.chunks) chunksOfA.add(id);
    const storedBefore = await this.chunksBefore(b, a, chunksOfA);

    const byPathA = new Map(filesA.map((f) => [f.path, f]));
    const byPathB = new Map(filesB.map((f) => [f.path, f]));
    const paths = [...new Set([...byPathA.keys(), ...byPathB.keys()])].sort();
    const counts = { added: 0, removed: 0, changed: 0, unchanged: 0 };
    const files: FileComparison[] = [];
    const reuse = { bytes: 0, chunks: 0, bytesInA: 0, chunksInA: 0, bytesStoredBefore: 0, chunksStoredBefore: 0, versionsBefore: storedBefore.versions };
    for (const path of paths) {
      const fa = byPathA.get(path);
      const fb = byPathB.get(path);
      const change: FileChange = !fa ? 'added' : !fb ? 'removed' : fa.sha256 === fb.sha256 && fa.size === fb.size ? 'unchanged' : 'changed';
      counts[change]++;
      let bytesInA: number | null = null;
      if (fb) {
        bytesInA = 0;
        for (const id of fb.chunks) {
          const length = this.repo.locate(id)?.plainLength ?? 0;
          reuse.bytes += length;
          reuse.chunks++;
          if (chunksOfA.has(id)) {
            bytesInA += length;
            reuse.bytesInA += length;
            reuse.chunksInA++;
          }
          if (storedBefore.chunks.has(id)) {
            reuse.bytesStoredBefore += length;
            reuse.chunksStoredBefore++;
          }
        }
      }
      files.push({
        path,
        change,
        mime: mimeFromName(path),
        a: fa ? { size: fa.size, sha256: fa.sha256 } : null,
        b: fb ? { size: fb.size, sha256: fb.sha256 } : null,
        bytesInA,
      });
    }
    const order: Record<FileChange, number> = { changed: 0, added: 1, removed: 2, unchanged: 3 };
    files.sort((x, y) => order[x.change] - order[y.change] || (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
    return {
      a,
      b,
      sameContent: counts.added + counts.removed + counts.changed === 0,
      files: files.slice(0, maxComparedFiles),
      counts,
      reuse,
    };
  }

  /**
   * Chunks stored before b was made: those of the earlier versions of b's artifact (the most
   * recent few hundred, skipping any whose tree is gone) and of `a` when a is older than b.
   */
  private async chunksBefore(b: VersionView, a: VersionView, chunksOfA: ReadonlySet<string>): Promise<{ chunks: Set<string>; versions: number }> {
    const chunks = new Set<string>();
    let versions = 0;
    const aIsOlder = a.createdAt < b.createdAt || (a.artifactId === b.artifactId && a.number < b.number);
    if (aIsOlder) {
      for (const id of chunksOfA) chunks.add(id);
      versions++;
    }
    const earlier = this.catalogue
      .listVersions(b.artifactId)
      .versions.filter((v) => v.number < b.number && v.id !== a.id)
      .slice(-maxVersionsBefore);
    const seenTrees = new Set<string>(aIsOlder ? [a.treeId] : []);
    for (const version of earlier) {
      if (seenTrees.has(version.treeId)) {
        versions++;
        continue;
      }
      seenTrees.add(version.treeId);
      const location = this.repo.locate(version.treeId);
      if (!location || location.type !== 'tree') continue;
      let tree: Tree;
      try {
        tree = decodeTree(await this.repo.readBlob(version.treeId), version.treeId);
      } catch {
        continue; // a damaged old tree does not stop the comparison; `cairn check` reports it
      }
      versions++;
      for (const e of tree.entries) if (e.type === 'file') for (const id of e.chunks) chunks.add(id);
    }
    return { chunks, versions };
  }
}
