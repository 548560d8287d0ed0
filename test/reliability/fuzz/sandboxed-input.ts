/**
 * Keeps fuzzed inputs from touching anything outside the test's folder: every string under a
 * `path` or `target` key becomes a path inside the sandbox (its `..`, `.` and empty segments
 * dropped, everything else, NUL included, kept for the engine to judge), and every URL under a
 * `url` key that would parse becomes a folder endpoint in the sandbox (no network).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const pathKeys = new Set(['path', 'target']);

export function sandboxed(value: unknown, sandbox: string): unknown {
  if (Array.isArray(value)) return value.map((item) => sandboxed(item, sandbox));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    let safe: unknown;
    if (typeof inner === 'string' && pathKeys.has(key)) safe = insideSandbox(inner, sandbox);
    else if (typeof inner === 'string' && key === 'url' && URL.canParse(inner)) safe = pathToFileURL(path.join(sandbox, 'endpoints', String(inner.length))).href;
    else safe = sandboxed(inner, sandbox);
    // defineProperty: a fuzzed "__proto__" key stays a plain key instead of replacing the prototype.
    Object.defineProperty(out, key, { value: safe, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function insideSandbox(text: string, sandbox: string): string {
  const segments = text.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
  return path.join(sandbox, ...segments);
}
