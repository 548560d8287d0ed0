/**
 * How big each part of the benchmark dataset is. `full` is the published benchmark, `small` a
 * quick run of the same shape (a few minutes), `tiny` exists for the unit tests only.
 */
const MiB = 1024 * 1024;

export type ScaleName = 'tiny' | 'small' | 'full';

export interface DatasetScale {
  /** DIR/large: this many mostly-incompressible files ... */
  readonly largeFiles: number;
  /** ... of this many bytes each. */
  readonly largeFileBytes: number;
  /** DIR/text: total bytes of log, CSV and JSON-lines text. */
  readonly textBytes: number;
  /** DIR/small: this many files of 1-16 KiB in folders 1-4 levels deep. */
  readonly smallFiles: number;
  readonly smallFileMinBytes: number;
  readonly smallFileMaxBytes: number;
}

export const scales: Record<ScaleName, DatasetScale> = {
  full: { largeFiles: 4, largeFileBytes: 256 * MiB, textBytes: 8 * MiB, smallFiles: 20_000, smallFileMinBytes: 1024, smallFileMaxBytes: 16 * 1024 },
  small: { largeFiles: 4, largeFileBytes: 32 * MiB, textBytes: 4 * MiB, smallFiles: 2_000, smallFileMinBytes: 1024, smallFileMaxBytes: 16 * 1024 },
  tiny: { largeFiles: 2, largeFileBytes: 2 * MiB, textBytes: 256 * 1024, smallFiles: 60, smallFileMinBytes: 1024, smallFileMaxBytes: 16 * 1024 },
};

export function isScaleName(value: string): value is ScaleName {
  return Object.hasOwn(scales, value);
}

export function parseScale(value: string): ScaleName {
  if (!isScaleName(value)) throw new Error(`unknown scale "${value}" (expected one of: ${Object.keys(scales).join(', ')})`);
  return value;
}
