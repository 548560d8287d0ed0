import type { EventPayload } from '../../src-shared/contract';
import { formatBytes } from './output';

/**
 * One self-overwriting progress line on stderr for long operations, only on a terminal (and
 * never with --json), so pipes and logs stay clean.
 */
export function createProgressLine(enabled: boolean): { update(p: EventPayload<'job.progress'>): void; done(): void } {
  const active = enabled && process.stderr.isTTY === true;
  let shown = false;
  let last = 0;
  const started = Date.now();
  return {
    update(p) {
      if (!active) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const seconds = Math.max((now - started) / 1000, 0.001);
      const bytes = p.bytesTotal ? ` ${formatBytes(p.bytesDone ?? 0)}/${formatBytes(p.bytesTotal)} (${formatBytes((p.bytesDone ?? 0) / seconds)}/s)` : '';
      const line = `${p.kind} ${p.phase}: ${p.done}/${p.total}${bytes}`;
      process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}
