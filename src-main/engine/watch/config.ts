/**
 * Watched-folder settings: device-local (a path means nothing on another device), never synced.
 * One JSON file whose path is injected (the engine passes a file under its config folder),
 * validated with zod when read, replaced atomically when written.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import ignore from 'ignore';
import { z } from 'zod';
import { writeFileAtomically } from './atomic-file';
import {
  errnoCode,
  FolderAlreadyWatchedError,
  UnknownWatchedFolderError,
  WatchConfigCorruptError,
  WatchedFoldersOverlapError,
  WatchedPathNotAFolderError,
  WatchedPathNotFoundError,
} from './errors';
import { InvalidInputError } from '../../../src-shared/errors';

export const typeRuleSchema = z.object({
  /** gitignore-syntax glob matched against the artifact path (a bundle is matched as `name/`). */
  glob: z.string().min(1),
  type: z.string().min(1),
});
export type TypeRule = z.infer<typeof typeRuleSchema>;

export const watchedFolderSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** Absolute, symlinks resolved. */
  path: z.string().min(1),
  /** The collection whose artifacts this folder feeds (and whose extra ignore rules apply). */
  collection: z.string().min(1),
  mode: z.enum(['auto-publish', 'draft']),
  /** Each top-level subfolder is one bundle artifact (a model folder); top-level files stay files. */
  bundles: z.boolean(),
  typeRules: z.array(typeRuleSchema),
  /** The folder's own gitignore-syntax rules (absent in settings written before they existed). */
  ignore: z.array(z.string().min(1)).optional(),
  /** Files larger than this many bytes are skipped and reported. */
  maxFileSize: z.number().int().positive().optional(),
  paused: z.boolean(),
});
export type WatchedFolder = z.infer<typeof watchedFolderSchema>;

/** What a person gives to watch a folder; everything but the path has a default. */
export const newWatchedFolderSchema = z.object({
  path: z.string().min(1),
  collection: z.string().min(1),
  mode: z.enum(['auto-publish', 'draft']).default('draft'),
  bundles: z.boolean().default(false),
  typeRules: z.array(typeRuleSchema).default([]),
  ignore: z.array(z.string().min(1)).default([]),
  maxFileSize: z.number().int().positive().optional(),
  paused: z.boolean().default(false),
});
export type NewWatchedFolder = z.input<typeof newWatchedFolderSchema>;

/**
 * Settings that can change in place. The path and bundle mode cannot: they decide what the
 * artifacts are, so changing them means removing the folder and adding it again.
 */
export const watchedFolderPatchSchema = watchedFolderSchema.pick({ collection: true, mode: true, typeRules: true, ignore: true, maxFileSize: true, paused: true }).partial();
export type WatchedFolderPatch = z.infer<typeof watchedFolderPatchSchema>;

const configFileSchema = z.object({
  format: z.literal('cairn-watched-folders'),
  version: z.literal(1),
  folders: z.array(watchedFolderSchema),
});

export class WatchConfigStore {
  private folders: WatchedFolder[];
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly file: string,
    folders: WatchedFolder[],
  ) {
    this.folders = folders;
  }

  /** Reads the settings file; a missing file means no watched folders yet. */
  static async load(file: string): Promise<WatchConfigStore> {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return new WatchConfigStore(file, []);
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new WatchConfigCorruptError(file, `it is not valid JSON (${(err as Error).message})`);
    }
    const parsed = configFileSchema.safeParse(json);
    if (!parsed.success) {
      throw new WatchConfigCorruptError(file, parsed.error.issues.map((issue) => `${issue.path.join('.') || 'file'}: ${issue.message}`).join('; '), parsed.error.issues);
    }
    return new WatchConfigStore(file, parsed.data.folders);
  }

  list(): readonly WatchedFolder[] {
    return this.folders;
  }

  get(id: string): WatchedFolder | undefined {
    return this.folders.find((folder) => folder.id === id);
  }

  require(id: string): WatchedFolder {
    const folder = this.get(id);
    if (!folder) throw new UnknownWatchedFolderError(id);
    return folder;
  }

  /**
   * Validates and records a new watched folder. Refuses a path that does not exist, is a file,
   * is already watched, or is inside or contains another watched folder.
   */
  async add(input: NewWatchedFolder): Promise<WatchedFolder> {
    return this.serialized(async () => {
      const fields = parseOrThrow(newWatchedFolderSchema, input, 'a new watched folder');
      checkIgnorePatterns(fields.ignore);
      const folderPath = await resolveFolder(fields.path);
      for (const other of this.folders) {
        const relation = overlap(folderPath, other.path);
        if (relation === 'same') throw new FolderAlreadyWatchedError(folderPath, other.id);
        if (relation) throw new WatchedFoldersOverlapError(folderPath, relation, other);
      }
      const folder: WatchedFolder = { ...fields, path: folderPath, id: newFolderId() };
      await this.persist([...this.folders, folder]);
      return folder;
    });
  }

  async update(id: string, patch: WatchedFolderPatch): Promise<WatchedFolder> {
    return this.serialized(async () => {
      const current = this.require(id);
      const changes = parseOrThrow(watchedFolderPatchSchema.strict(), patch, `the settings of watched folder ${id}`);
      if (changes.ignore) checkIgnorePatterns(changes.ignore);
      const updated: WatchedFolder = { ...current, ...changes };
      await this.persist(this.folders.map((folder) => (folder.id === id ? updated : folder)));
      return updated;
    });
  }

  async remove(id: string): Promise<WatchedFolder> {
    return this.serialized(async () => {
      const removed = this.require(id);
      await this.persist(this.folders.filter((folder) => folder.id !== id));
      return removed;
    });
  }

  private async persist(folders: WatchedFolder[]): Promise<void> {
    const document = { format: 'cairn-watched-folders', version: 1, folders } satisfies z.infer<typeof configFileSchema>;
    await writeFileAtomically(this.file, `${JSON.stringify(document, null, 2)}\n`);
    this.folders = folders;
  }

  /** One change at a time, so two quick adds both see each other. */
  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writes.then(work, work);
    this.writes = run.catch(() => undefined);
    return run;
  }
}

/** Refuses patterns the `ignore` package cannot use, naming them (it is lenient, so this is rare). */
function checkIgnorePatterns(patterns: readonly string[]): void {
  const problems: string[] = [];
  for (const pattern of patterns) {
    if (/[\r\n\0]/.test(pattern)) {
      problems.push(`"${pattern.slice(0, 100)}" holds a line break or NUL (give one pattern per entry)`);
      continue;
    }
    try {
      ignore().add(pattern).ignores('probe');
    } catch (err) {
      problems.push(`"${pattern.slice(0, 100)}" is not a gitignore pattern (${(err as Error).message})`);
    }
  }
  if (problems.length > 0) throw new InvalidInputError('the ignore rules', problems);
}

function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InvalidInputError(
    what,
    parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`),
    parsed.error.issues,
  );
}

/** Absolute path with symlinks resolved, checked to be an existing folder. */
async function resolveFolder(input: string): Promise<string> {
  const absolute = path.resolve(input);
  let real: string;
  try {
    real = await fs.realpath(absolute);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') throw new WatchedPathNotFoundError(absolute);
    throw err;
  }
  const stat = await fs.stat(real);
  if (!stat.isDirectory()) throw new WatchedPathNotAFolderError(absolute);
  return real;
}

/** How `candidate` relates to `existing`: the same folder, inside it, containing it, or apart. */
export function overlap(candidate: string, existing: string): 'same' | 'inside' | 'contains' | null {
  const a = comparable(candidate);
  const b = comparable(existing);
  if (a === b) return 'same';
  if (isWithin(a, b)) return 'inside';
  if (isWithin(b, a)) return 'contains';
  return null;
}

function isWithin(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/** macOS and Windows folders are case-insensitive by default: compare paths the same way. */
function comparable(folderPath: string): string {
  const normal = path.resolve(folderPath);
  return process.platform === 'win32' || process.platform === 'darwin' ? normal.toLowerCase() : normal;
}

function newFolderId(): string {
  return `wf-${randomBytes(6).toString('hex')}`;
}
