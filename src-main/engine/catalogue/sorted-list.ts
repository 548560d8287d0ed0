/**
 * An array kept sorted by `compare`, for indexes that grow one item at a time (binary insert)
 * but also receive whole snapshots at once (append, then one sort).
 */
export class SortedList<T> {
  private items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get length(): number {
    return this.items.length;
  }

  /** The items in order; do not modify. */
  get all(): readonly T[] {
    return this.items;
  }

  at(index: number): T | undefined {
    return this.items[index];
  }

  insert(item: T): void {
    const last = this.items[this.items.length - 1];
    // Appending is the common case (items mostly arrive in order) and push allocates nothing.
    if (last === undefined || this.compare(last, item) < 0) this.items.push(item);
    else this.items.splice(this.lowerBound(item), 0, item);
  }

  /** Inserts many at once: cheaper than one by one when they are numerous. */
  insertMany(items: readonly T[]): void {
    if (items.length < 32) {
      for (const item of items) this.insert(item);
      return;
    }
    for (const item of items) this.items.push(item);
    this.items.sort(this.compare);
  }

  remove(item: T): boolean {
    const index = this.indexOf(item);
    if (index < 0) return false;
    this.items.splice(index, 1);
    return true;
  }

  /** Position of an item comparing equal to `item`, or -1. */
  indexOf(item: T): number {
    const index = this.lowerBound(item);
    const found = this.items[index];
    return found !== undefined && this.compare(found, item) === 0 ? index : -1;
  }

  /** First position whose item is not less than `item`. */
  lowerBound(item: T): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.items[mid] as T, item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Binary search over any sorted array: first index whose item is not less than the probe. */
export function lowerBoundBy<T>(items: readonly T[], isLess: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isLess(items[mid] as T)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
