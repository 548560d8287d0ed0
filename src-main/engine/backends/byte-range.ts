import { InvalidInputError } from '../../../src-shared/errors';
import type { ByteRange } from './backend';
import { RangeNotSatisfiableError } from './backend-errors';

/**
 * One rule for range reads on every backend: a range must lie inside the object. A range that
 * starts or ends past the end is refused with RangeNotSatisfiableError (never a short read), so
 * a truncated pack is reported rather than decoded. A zero-length range at or before the end
 * reads nothing.
 */

/** Refuses ranges that are not whole, non-negative, safe numbers. */
export function assertValidRange(range: ByteRange): void {
  const ok = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!ok(range.offset) || !ok(range.length)) {
    throw new InvalidInputError('a range read', [`offset and length must be whole numbers >= 0 (got ${range.offset}, ${range.length})`]);
  }
}

/** Throws unless `range` lies inside an object of `size` bytes. */
export function assertRangeWithin(backendName: string, key: string, range: ByteRange, size: number): void {
  if (range.offset + range.length > size) throw new RangeNotSatisfiableError(backendName, key, range, size);
}
