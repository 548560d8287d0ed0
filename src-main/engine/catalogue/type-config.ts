import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { z } from 'zod';
import { fallbackType } from '../../../src-shared/catalogue/materialise';
import { collectionPattern, typeNamePattern } from '../../../src-shared/catalogue/names';
import { parseByteSize, parseDuration } from '../../../src-shared/catalogue/units';
import { CatalogueConfigError } from './errors';

/**
 * The type config file (DESIGN.md 6): which type a file gets from its extension, which
 * validator a type needs before publishing, and size limits per type and per collection.
 *
 *   types:
 *     model:
 *       extensions: [.safetensors, .gguf]
 *       validator:
 *         command: [python3, /opt/check_model.py]   # the version's file path is appended
 *         timeout: 2m
 *       quota: { maxArtifactSize: 20 GiB, maxTotalSize: 1 TiB }
 *     review:
 *       validator: { url: "https://ci.example/validate", timeout: 30s }
 *   collections:
 *     scratch:
 *       quota: { maxTotalSize: 50 GiB }
 *
 * A type named in the file replaces the built-in type of that name; extensions it claims are
 * taken away from built-in types. Files with no matching extension get the type `file`.
 */
export type ValidatorSpec =
  | { kind: 'command'; command: string[]; timeoutMs: number }
  | { kind: 'http'; url: string; timeoutMs: number; headers: Record<string, string> };

export interface QuotaSpec {
  /** Largest single version, in bytes. */
  maxArtifactBytes: number | null;
  /** Largest total of distinct live content, in bytes. */
  maxTotalBytes: number | null;
}

export interface TypeDefinition {
  name: string;
  extensions: string[];
  validator: ValidatorSpec | null;
  quota: QuotaSpec;
}

export interface CatalogueConfig {
  types: ReadonlyMap<string, TypeDefinition>;
  collections: ReadonlyMap<string, { quota: QuotaSpec }>;
}

export const defaultValidatorTimeoutMs = 60_000;

const noQuota: QuotaSpec = { maxArtifactBytes: null, maxTotalBytes: null };

const builtInExtensions: Record<string, string[]> = {
  model: ['.safetensors', '.gguf', '.onnx', '.pt', '.bin', '.ckpt'],
  dataset: ['.csv', '.parquet', '.jsonl', '.arrow'],
  document: ['.md', '.pdf', '.docx', '.txt'],
  prompt: [],
  plugin: [],
  [fallbackType]: [],
};

export const defaultCatalogueConfig: CatalogueConfig = {
  types: new Map(
    Object.entries(builtInExtensions).map(([name, extensions]) => [name, { name, extensions, validator: null, quota: noQuota }] as const),
  ),
  collections: new Map(),
};

const sizeSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const bytes = parseByteSize(value);
  if (bytes === null) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a size such as 10 GiB, 500MB or a number of bytes` });
    return z.NEVER;
  }
  return bytes;
});

const timeoutSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration such as 30s, 2m or a number of ms` });
    return z.NEVER;
  }
  return ms;
});

const quotaSchema = z
  .object({ maxArtifactSize: sizeSchema.optional(), maxTotalSize: sizeSchema.optional() })
  .strict()
  .transform((q): QuotaSpec => ({ maxArtifactBytes: q.maxArtifactSize ?? null, maxTotalBytes: q.maxTotalSize ?? null }));

const commandValidatorSchema = z
  .object({ command: z.array(z.string().min(1)).min(1, 'the command needs at least the program'), timeout: timeoutSchema.optional() })
  .strict()
  .transform((v): ValidatorSpec => ({ kind: 'command', command: v.command, timeoutMs: v.timeout ?? defaultValidatorTimeoutMs }));

const httpValidatorSchema = z
  .object({
    url: z.url().refine((u) => /^https?:\/\//i.test(u), 'the validator URL must be http or https'),
    timeout: timeoutSchema.optional(),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .transform((v): ValidatorSpec => ({ kind: 'http', url: v.url, timeoutMs: v.timeout ?? defaultValidatorTimeoutMs, headers: v.headers ?? {} }));

/** One of the two shapes, chosen by its key so errors speak about the right one. */
const validatorSchema = z.unknown().transform((value, ctx): ValidatorSpec => {
  const has = (key: string) => typeof value === 'object' && value !== null && key in value;
  const schema = has('command') ? commandValidatorSchema : has('url') ? httpValidatorSchema : null;
  if (!schema) {
    ctx.addIssue({ code: 'custom', message: 'a validator needs either "command" (program and arguments) or "url"' });
    return z.NEVER;
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

const extensionSchema = z
  .string()
  .regex(/^\.[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'an extension starts with "." (like .gguf)')
  .transform((e) => e.toLowerCase());

const fileSchema = z
  .object({
    types: z
      .record(
        z.string().regex(typeNamePattern, 'type names are lower-case letters, digits, "_" and "-"'),
        z.object({ extensions: z.array(extensionSchema).optional(), validator: validatorSchema.optional(), quota: quotaSchema.optional() }).strict().nullable(),
      )
      .optional(),
    collections: z
      .record(z.string().regex(collectionPattern, 'collection names are lower-case letters, digits, ".", "_" and "-"'), z.object({ quota: quotaSchema.optional() }).strict())
      .optional(),
  })
  .strict();

/**
 * The YAML parser, loaded on first use: ~45 ms of every command's start-up that only a
 * repository with a types.yaml needs.
 */
let yaml: typeof Yaml | null = null;
const loadYaml = (): typeof Yaml => (yaml ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

/** Parses a type config file's text; throws CatalogueConfigError naming each problem. */
export function parseCatalogueConfig(yamlText: string, source = 'file'): CatalogueConfig {
  const { parse: parseYaml, YAMLParseError } = loadYaml();
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    throw new CatalogueConfigError(source, [`it is not valid YAML${where}: ${(err as Error).message.split('\n')[0]}`]);
  }
  const parsed = fileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new CatalogueConfigError(
      source,
      parsed.error.issues.slice(0, 10).map((issue) => `${issue.path.join('.') || 'the file'}: ${issue.message}`),
    );
  }

  const userTypes = new Map<string, TypeDefinition>();
  for (const [name, spec] of Object.entries(parsed.data.types ?? {})) {
    userTypes.set(name, { name, extensions: spec?.extensions ?? builtInExtensions[name] ?? [], validator: spec?.validator ?? null, quota: spec?.quota ?? noQuota });
  }
  const problems: string[] = [];
  const claimedBy = new Map<string, string>();
  for (const type of userTypes.values()) {
    for (const extension of type.extensions) {
      const other = claimedBy.get(extension);
      if (other !== undefined && other !== type.name) problems.push(`extension ${extension} is claimed by both "${other}" and "${type.name}"`);
      claimedBy.set(extension, type.name);
    }
  }
  if (problems.length > 0) throw new CatalogueConfigError(source, problems);

  const types = new Map<string, TypeDefinition>();
  for (const [name, builtIn] of defaultCatalogueConfig.types) {
    if (!userTypes.has(name)) types.set(name, { ...builtIn, extensions: builtIn.extensions.filter((e) => !claimedBy.has(e)) });
  }
  for (const [name, type] of userTypes) types.set(name, type);
  const collections = new Map(Object.entries(parsed.data.collections ?? {}).map(([name, c]) => [name, { quota: c.quota ?? noQuota }] as const));
  return { types, collections };
}

/** The type a file called `fileName` gets: the longest matching extension, else `file`. */
export function typeForFileName(config: CatalogueConfig, fileName: string): string {
  const lower = fileName.toLowerCase();
  let best: { type: string; length: number } | null = null;
  for (const type of config.types.values()) {
    for (const extension of type.extensions) {
      if (lower.endsWith(extension) && lower.length > extension.length && (!best || extension.length > best.length)) {
        best = { type: type.name, length: extension.length };
      }
    }
  }
  return best?.type ?? fallbackType;
}
