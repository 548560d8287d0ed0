/**
 * A set of sequence numbers kept as sorted, disjoint, non-adjacent inclusive ranges. Tracks which
 * of a device's manifest objects are in the document; a snapshot records them to say what it
 * covers. Small in practice: one range per device unless objects were refused.
 */
export type SeqRange = readonly [from: number, to: number];

export class SeqRanges {
  private ranges: [number, number][] = [];

  static from(ranges: readonly SeqRange[]): SeqRanges {
    const set = new SeqRanges();
    for (const [from, to] of ranges) set.addRange(from, to);
    return set;
  }

  has(seq: number): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [from, to] = this.ranges[mid] as [number, number];
      if (seq < from) hi = mid - 1;
      else if (seq > to) lo = mid + 1;
      else return true;
    }
    return false;
  }

  add(seq: number): void {
    this.addRange(seq, seq);
  }

  addRange(from: number, to: number): void {
    if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from <= to)) return;
    const merged: [number, number][] = [];
    let start = from;
    let end = to;
    let placed = false;
    for (const range of this.ranges) {
      if (range[1] < start - 1) merged.push(range);
      else if (range[0] > end + 1) {
        if (!placed) merged.push([start, end]);
        placed = true;
        merged.push(range);
      } else {
        start = Math.min(start, range[0]);
        end = Math.max(end, range[1]);
      }
    }
    if (!placed) merged.push([start, end]);
    this.ranges = merged;
  }

  addAll(other: SeqRanges): void {
    for (const [from, to] of other.ranges) this.addRange(from, to);
  }

  /** Highest member, or 0 when empty. */
  max(): number {
    return this.ranges.at(-1)?.[1] ?? 0;
  }

  /** True when every member of `other` is a member of this set. */
  covers(other: SeqRanges): boolean {
    return other.ranges.every(([from, to]) => this.ranges.some(([f, t]) => f <= from && to <= t));
  }

  toJSON(): SeqRange[] {
    return this.ranges.map(([from, to]) => [from, to] as const);
  }
}
