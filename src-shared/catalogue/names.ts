/**
 * What people may call things in the catalogue. One rule each, checked on every write and
 * reused by the contract's schemas, so a name accepted once is accepted everywhere (and in
 * references such as `collection/name@v3`).
 */

/** Lower-case, no `/` (it separates collection and name in references). */
export const collectionPattern = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export const defaultCollection = 'default';

/** Lower-case type names, as in the type config file. */
export const typeNamePattern = /^[a-z][a-z0-9_-]{0,31}$/;

export const tagPattern = /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,63}$/;

export const metadataKeyPattern = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

export const limits = {
  nameLength: 255,
  messageLength: 10_000,
  descriptionLength: 10_000,
  licenseLength: 200,
  metadataValueLength: 4096,
  provenanceLength: 4096,
} as const;

/**
 * Why `name` is not a valid artifact name, or null when it is. Names are file or folder names:
 * anything printable except `/`, not `.`/`..`, no leading or trailing spaces.
 */
export function artifactNameProblem(name: string): string | null {
  if (name.length === 0) return 'it is empty';
  if (name.length > limits.nameLength) return `it is longer than ${limits.nameLength} characters`;
  if (name.includes('/')) return 'it contains "/" (which separates collection and name)';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains a control character';
  if (name === '.' || name === '..') return 'it is "." or ".."';
  if (name.trim() !== name) return 'it starts or ends with white space';
  return null;
}
