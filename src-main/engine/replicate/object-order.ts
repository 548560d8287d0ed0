/**
 * The order objects are copied to another backend so the copy is a usable repository at every
 * instant: keys and config first (it can be opened), packs before the index segments that
 * point into them, and the manifest (which names trees) last.
 */
export const rankOf = (key: string): number => {
  if (key.startsWith('keys/')) return 0;
  if (key === 'config') return 1;
  if (key.startsWith('packs/')) return 2;
  if (key.startsWith('index/')) return 3;
  if (key.startsWith('manifest/')) return 4;
  return 5;
};

export function compareCopyOrder(a: string, b: string): number {
  return rankOf(a) - rankOf(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Objects that make up a repository (anything else under the root is not copied). */
export function isRepositoryObject(key: string): boolean {
  return rankOf(key) < 5;
}
