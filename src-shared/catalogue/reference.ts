import { collectionPattern } from './names';

/**
 * References people type to name an artifact or one of its versions:
 *
 *   name                    the head version of the only artifact called `name`
 *   collection/name         the head version of that artifact
 *   name@v3                 version 3 (derived numbering, see views.ts)
 *   name@sha256:9f2c…       the version whose content digest starts with that prefix (>= 4 hex)
 *   collection/name@v3      …and every combination of the above
 *
 * Names may contain `@` (`model@2.bin`): a suffix counts as a selector only when it has one of
 * the shapes above. Version and artifact ids (32 hex digits) are accepted where references are,
 * and resolved by the engine.
 */
export type VersionSelector = { kind: 'head' } | { kind: 'number'; number: number } | { kind: 'sha256'; prefix: string };

export interface ParsedReference {
  collection: string | null;
  name: string;
  selector: VersionSelector;
}

export const minimumDigestPrefix = 4;

const numberSuffix = /^v([1-9]\d{0,8})$/;
const digestSuffix = /^sha256:([0-9a-fA-F]+)$/;

/** Splits a reference; returns a problem string instead when it cannot be one. */
export function parseReference(reference: string): ParsedReference | { problem: string } {
  const text = reference.trim();
  if (text.length === 0) return { problem: 'the reference is empty' };
  let base = text;
  let selector: VersionSelector = { kind: 'head' };
  const at = text.lastIndexOf('@');
  if (at > 0) {
    const suffix = text.slice(at + 1);
    const number = numberSuffix.exec(suffix);
    const digest = digestSuffix.exec(suffix);
    if (number) selector = { kind: 'number', number: Number(number[1]) };
    if (digest) {
      const prefix = (digest[1] as string).toLowerCase();
      if (prefix.length < minimumDigestPrefix) return { problem: `the digest prefix "${prefix}" is shorter than ${minimumDigestPrefix} hex digits` };
      if (prefix.length > 64) return { problem: 'the digest prefix is longer than a SHA-256 digest (64 hex digits)' };
      selector = { kind: 'sha256', prefix };
    }
    if (selector.kind !== 'head') base = text.slice(0, at);
  }
  const slash = base.indexOf('/');
  if (slash < 0) return { collection: null, name: base, selector };
  const collection = base.slice(0, slash);
  const name = base.slice(slash + 1);
  if (!collectionPattern.test(collection)) return { problem: `"${collection}" is not a collection name (lower-case letters, digits, ".", "_", "-")` };
  if (name.length === 0 || name.includes('/')) return { problem: 'expected "collection/name" with exactly one "/"' };
  return { collection, name, selector };
}

/** `collection/name@vN`, the way references are shown. */
export function formatReference(collection: string, name: string, number?: number): string {
  return number === undefined ? `${collection}/${name}` : `${collection}/${name}@v${number}`;
}
