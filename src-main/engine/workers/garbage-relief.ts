import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Sealing a chunk leaves a chunk-sized temporary behind, and the sealed copy is transferred
 * away. V8 collects such off-heap memory only after tens of MiB of it pile up in each thread,
 * and with several ingest threads that was most of the process's peak memory. So each thread
 * collects after every `everyBytes` of chunk data it has processed: a minor cost (a small heap)
 * for a bounded footprint.
 */
let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  } catch {
    collect = null; // not available: memory is then bounded by V8's own heuristics
  }
  return collect;
}

export class GarbageRelief {
  private sinceLast = 0;

  constructor(private readonly everyBytes = 16 * 1024 * 1024) {}

  /** Records `bytes` of chunk data processed; collects when enough has passed. */
  note(bytes: number): void {
    this.sinceLast += bytes;
    if (this.sinceLast < this.everyBytes) return;
    this.sinceLast = 0;
    collector()?.();
  }
}
