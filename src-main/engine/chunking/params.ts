import { CairnError } from '../../../src-shared/errors';

/** Content-defined chunking bounds in bytes; fixed per repository (DESIGN.md section 4). */
export interface ChunkerParams {
  minSize: number;
  avgSize: number;
  maxSize: number;
}

export const defaultChunkerParams: Readonly<ChunkerParams> = Object.freeze({
  minSize: 512 * 1024,
  avgSize: 1024 * 1024,
  maxSize: 8 * 1024 * 1024,
});

/** Below this the gear hash window (32 bytes) dominates and chunks stop being content-defined. */
export const smallestChunkSize = 64;
/** Workers keep at least two chunks of this size in one read buffer; larger would waste memory. */
export const largestChunkSize = 64 * 1024 * 1024;

export class ChunkerParamsError extends CairnError {
  constructor(params: unknown, problems: string[]) {
    super('INVALID_INPUT', `Invalid chunker parameters ${JSON.stringify(params)}: ${problems.join('; ')}.`, {
      hint: `Use integers with ${smallestChunkSize} <= minSize < avgSize <= maxSize <= ${largestChunkSize}, e.g. the defaults 512 KiB / 1 MiB / 8 MiB.`,
    });
    this.name = 'ChunkerParamsError';
  }
}

/** Returns the parameters unchanged when they are usable, or throws ChunkerParamsError saying why not. */
export function validateChunkerParams(params: ChunkerParams): ChunkerParams {
  const problems: string[] = [];
  const { minSize, avgSize, maxSize } = params ?? ({} as ChunkerParams);
  for (const [name, value] of [['minSize', minSize], ['avgSize', avgSize], ['maxSize', maxSize]] as const) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) problems.push(`${name} must be an integer`);
  }
  if (problems.length === 0) {
    if (minSize < smallestChunkSize) problems.push(`minSize must be at least ${smallestChunkSize}`);
    if (!(minSize < avgSize)) problems.push('minSize must be smaller than avgSize');
    if (!(avgSize <= maxSize)) problems.push('avgSize must not exceed maxSize');
    if (maxSize > largestChunkSize) problems.push(`maxSize must not exceed ${largestChunkSize}`);
  }
  if (problems.length > 0) throw new ChunkerParamsError(params, problems);
  return params;
}
