/**
 * fast-check values from and around a zod schema, for fuzzing the contract:
 *
 * - `validFor`: values the schema accepts (so inputs reach the handlers and their edge cases:
 *   references to missing versions, empty strings where allowed, boundary numbers, names of
 *   things that exist in the test repository);
 * - `arbitraryAround`: mostly those, with one field swapped for a wrong type, an oversized
 *   string or array, an unknown key or a `__proto__` key, and arbitrary JSON now and then.
 *
 * It reads zod 4's schema definitions (`schema._zod.def`) for the kinds the contract uses;
 * anything else gets arbitrary JSON.
 */
import crypto from 'node:crypto';
import fc from 'fast-check';
import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  checks?: Array<{ _zod: { def: CheckDef } }>;
}

interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  value?: number | bigint;
  inclusive?: boolean;
  format?: string;
  pattern?: RegExp;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (def: Def) => (def.checks ?? []).map((c) => c._zod.def);

/** Strings that mean something to Cairn (names in the fuzz repository, references, paths, escapes). */
export const interestingStrings = [
  'a.txt',
  'a.txt',
  'a.txt@v2',
  'a.txt@v1',
  'a.txt@v2',
  'a.txt@v99',
  'default/a.txt',
  'default/a.txt@v1',
  'a.txt@sha256:',
  'folder',
  'default',
  'dir',
  'dir/b.txt',
  '.',
  '..',
  '../../etc/passwd',
  '/etc/passwd',
  'C:\\Windows',
  'a\0b',
  '@v1',
  'ümlaut-名前-🙂',
  '\u202e\uffff',
  '%2e%2e%2f',
  '${HOME}',
  '<script>alert(1)</script>',
  '1d',
  '-1',
  'NaN',
  '',
  crypto.createHash('sha256').update('x').digest('hex'),
  'f'.repeat(64),
];

const jsonish = fc.jsonValue({ maxDepth: 3 });
const junk = fc.oneof(jsonish, fc.constantFrom(null, -1, 1e308, NaN, Infinity, '', [], {}, true), fc.constant('z'.repeat(300_000)));

/** Values the schema accepts (as far as its checks can be read; refinements are not). */
export function validFor(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  if (depth > 6) return jsonish;
  switch (def.type) {
    case 'object': {
      const shape = def.shape ?? {};
      const required = Object.keys(shape).filter((key) => !['optional', 'default'].includes(defOf(shape[key]!).type));
      return fc.record(Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, validFor(value, depth + 1)])), { requiredKeys: required });
    }
    case 'string':
      return validString(def);
    case 'number':
      return validNumber(def);
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? { x: 'x' }));
    case 'literal':
      return fc.constantFrom(...((def.values ?? [null]) as unknown[]));
    case 'array': {
      const checks = checksOf(def);
      const min = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
      const max = checks.find((c) => c.check === 'max_length')?.maximum ?? 4;
      return fc.array(validFor(def.element!, depth + 1), { minLength: min, maxLength: Math.max(min, Math.min(max, 4)) });
    }
    case 'nullable':
      return fc.oneof({ arbitrary: validFor(def.innerType!, depth + 1), weight: 3 }, { arbitrary: fc.constant(null), weight: 1 });
    case 'optional':
    case 'default':
    case 'readonly':
    case 'catch':
      return fc.oneof({ arbitrary: validFor(def.innerType!, depth + 1), weight: 3 }, { arbitrary: fc.constant(undefined), weight: 1 });
    case 'record':
      return fc.dictionary(fc.oneof(fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,12}$/), fc.string({ maxLength: 12 })), validFor(def.valueType!, depth + 1), { maxKeys: 3 });
    case 'union':
      return fc.oneof(...(def.options ?? []).map((option) => validFor(option, depth + 1)));
    case 'pipe':
      return validFor(def.in!, depth + 1);
    default:
      return jsonish;
  }
}

/** Mostly valid inputs, some with one field spoiled, and arbitrary JSON. */
export function arbitraryAround(schema: z.ZodType): fc.Arbitrary<unknown> {
  const valid = validFor(schema);
  return fc.oneof(
    { arbitrary: valid, weight: 6 },
    { arbitrary: fc.tuple(valid, fc.nat(), junk).map(([value, pick, bad]) => spoilOneField(value, pick, bad)), weight: 3 },
    { arbitrary: valid.map(withPrototypeKey), weight: 1 },
    { arbitrary: junk, weight: 1 },
  );
}

function spoilOneField(value: unknown, pick: number, bad: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad;
  const keys = Object.keys(value);
  const key = keys.length === 0 || pick % (keys.length + 1) === keys.length ? `unknown${pick % 3}` : keys[pick % keys.length]!;
  return { ...value, [key]: bad };
}

/** A `__proto__` own key, as JSON.parse makes it: must not reach anyone's prototype. */
function withPrototypeKey(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return { ...(JSON.parse('{"__proto__":{"polluted":true}}') as object), ...value };
}

function validString(def: Def): fc.Arbitrary<string> {
  const checks = checksOf(def);
  const min = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
  const max = checks.find((c) => c.check === 'max_length')?.maximum ?? 300;
  const fits = (s: string) => s.length >= min && s.length <= max;
  const format = checks.find((c) => c.check === 'string_format');
  if (format?.format === 'url') return fc.constantFrom('http://127.0.0.1:1/', 'https://example.invalid/bucket', 'file:///nowhere');
  if (format?.pattern) {
    const pattern = format.pattern;
    const matching = interestingStrings.filter((s) => pattern.test(s) && fits(s));
    const generated = fc.stringMatching(pattern).filter(fits);
    return matching.length > 0 ? fc.oneof({ arbitrary: generated, weight: 1 }, { arbitrary: fc.constantFrom(...matching), weight: 2 }) : generated;
  }
  const plain = fc.string({ minLength: Math.min(min, 40), maxLength: Math.min(max, 40) }).filter(fits);
  const hints = interestingStrings.filter(fits);
  const edges = [min, max].filter((n) => n <= 100_000).map((n) => 'e'.repeat(n));
  // Names of things that exist are favoured: they get past the lookups into the handlers.
  return fc.oneof({ arbitrary: plain, weight: 2 }, { arbitrary: fc.constantFrom(...(hints.length > 0 ? hints : ['x'.repeat(min)])), weight: 3 }, { arbitrary: fc.constantFrom(...edges), weight: 1 });
}

function validNumber(def: Def): fc.Arbitrary<number> {
  const checks = checksOf(def);
  const isInt = checks.some((c) => c.format === 'safeint');
  const lower = checks.find((c) => c.check === 'greater_than');
  const upper = checks.find((c) => c.check === 'less_than');
  const low = typeof lower?.value === 'number' ? lower.value + (lower.inclusive ? 0 : isInt ? 1 : Number.EPSILON) : isInt ? Number.MIN_SAFE_INTEGER : -1e9;
  const high = typeof upper?.value === 'number' ? upper.value - (upper.inclusive ? 0 : isInt ? 1 : Number.EPSILON) : isInt ? Number.MAX_SAFE_INTEGER : 1e9;
  const edges = [low, high, Math.max(low, Math.min(high, 0)), Math.max(low, Math.min(high, 1))];
  const inRange = isInt ? fc.integer({ min: Math.ceil(low), max: Math.floor(high) }) : fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true });
  return fc.oneof(inRange, fc.constantFrom(...edges.map((n) => (isInt ? Math.round(n) : n))));
}
