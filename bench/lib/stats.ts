/** Summaries of repeated measurements: min, median and max, and ratios of paired runs. */

export interface Summary {
  readonly count: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function summarize(values: readonly number[]): Summary | null {
  if (values.length === 0) return null;
  return { count: values.length, min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/**
 * The median of a/b over the runs where both sides have a value. Pairing by run cancels slow
 * drifts of the machine (other load, thermal state) that would bias a ratio of two medians.
 */
export function medianPairRatio(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): number | null {
  const ratios: number[] = [];
  for (const [run, value] of a) {
    const other = b.get(run);
    if (other !== undefined && other !== 0) ratios.push(value / other);
  }
  return ratios.length === 0 ? null : median(ratios);
}
