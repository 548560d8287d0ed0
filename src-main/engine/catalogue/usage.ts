/**
 * Bytes of live content per quota scope (`collection:<name>`, `type:<name>`), kept up to date
 * as versions arrive, are deleted or restored, or their artifact changes type. Content counts
 * once per scope however many versions share it (a rollback adds no bytes).
 *
 * Only quotas with a total limit need it, so the catalogue builds it on first use (one pass
 * over the versions) rather than at load, where it cost a fifth of the time.
 */
export class UsageIndex {
  private readonly scopes = new Map<string, { bytes: number; trees: Map<string, { size: number; refs: number }> }>();
  private readonly counted = new Map<string, { scopes: readonly string[]; treeId: string; size: number }>();

  /** Counts `versionId` in exactly `scopes` (none when it is not live). */
  sync(versionId: string, scopes: readonly string[], treeId: string, size: number): void {
    const before = this.counted.get(versionId);
    if (before && before.treeId === treeId && sameScopes(before.scopes, scopes)) return;
    if (before) for (const scope of before.scopes) this.release(scope, before.treeId);
    for (const scope of scopes) this.retain(scope, treeId, size);
    if (scopes.length > 0) this.counted.set(versionId, { scopes, treeId, size });
    else this.counted.delete(versionId);
  }

  bytes(scope: string): number {
    return this.scopes.get(scope)?.bytes ?? 0;
  }

  holds(scope: string, treeId: string): boolean {
    return this.scopes.get(scope)?.trees.has(treeId) ?? false;
  }

  private retain(scope: string, treeId: string, size: number): void {
    let entry = this.scopes.get(scope);
    if (!entry) this.scopes.set(scope, (entry = { bytes: 0, trees: new Map() }));
    const tree = entry.trees.get(treeId);
    if (tree) tree.refs += 1;
    else {
      entry.trees.set(treeId, { size, refs: 1 });
      entry.bytes += size;
    }
  }

  private release(scope: string, treeId: string): void {
    const entry = this.scopes.get(scope);
    const tree = entry?.trees.get(treeId);
    if (!entry || !tree) return;
    tree.refs -= 1;
    if (tree.refs === 0) {
      entry.trees.delete(treeId);
      entry.bytes -= tree.size;
    }
  }
}

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((scope, i) => scope === b[i]);
}

export const collectionScope = (collection: string) => `collection:${collection}`;
export const typeScope = (type: string) => `type:${type}`;
