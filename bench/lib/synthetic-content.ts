/**
 * Synthetic file contents with a known character: text that compresses like real logs, CSV and
 * JSON lines (roughly 3-6x with zstd), and binary that does not compress at all or only halfway.
 * Everything is drawn from a SeededRandom, so the same stream gives the same bytes.
 */
import type { SeededRandom } from './seeded-random';

export type TextKind = 'log' | 'csv' | 'jsonl';

const levels = ['DEBUG', 'INFO', 'INFO', 'INFO', 'WARN', 'ERROR'] as const;
const services = ['ingest', 'repo', 'manifest', 'sync', 'watch', 'restore', 'gc', 'http'] as const;
const words = [
  'chunk', 'pack', 'index', 'snapshot', 'tree', 'blob', 'upload', 'download', 'retry', 'timeout',
  'device', 'version', 'artifact', 'published', 'draft', 'verified', 'bucket', 'endpoint', 'lease',
  'cursor', 'compaction', 'tombstone', 'policy', 'digest', 'folder', 'model', 'dataset', 'stale',
] as const;
const regions = ['eu-west', 'us-east', 'ap-south', 'local'] as const;

const epoch = Date.UTC(2025, 0, 1);

function timestamp(random: SeededRandom, line: number): string {
  // Monotonic-ish times, as in a real log: about one line every 40 ms.
  return new Date(epoch + line * 40 + random.int(0, 39)).toISOString();
}

function hex(random: SeededRandom, chars: number): string {
  return random.bytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars);
}

function sentence(random: SeededRandom): string {
  const count = random.int(3, 9);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(random.pick(words));
  return out.join(' ');
}

function logLine(random: SeededRandom, line: number): string {
  return `${timestamp(random, line)} ${random.pick(levels).padEnd(5)} [${random.pick(services)}] ${sentence(random)} id=${hex(random, 12)} took=${random.int(0, 5000)}ms\n`;
}

function csvLine(random: SeededRandom, line: number): string {
  if (line === 0) return 'time,service,region,requests,errors,p50_ms,p99_ms,bytes\n';
  return `${timestamp(random, line)},${random.pick(services)},${random.pick(regions)},${random.int(0, 20000)},${random.int(0, 40)},${(random.float() * 50).toFixed(3)},${(random.float() * 900).toFixed(3)},${random.int(0, 1 << 30)}\n`;
}

function jsonLine(random: SeededRandom, line: number): string {
  const record = {
    time: timestamp(random, line),
    event: random.pick(words),
    service: random.pick(services),
    device: `dev-${hex(random, 8)}`,
    version: random.int(1, 400),
    tags: [random.pick(words), random.pick(words)],
    ok: random.chance(0.93),
    note: sentence(random),
  };
  return `${JSON.stringify(record)}\n`;
}

const lineMakers: Record<TextKind, (random: SeededRandom, line: number) => string> = {
  log: logLine,
  csv: csvLine,
  jsonl: jsonLine,
};

/** Exactly `length` bytes of text of the given kind (the last line is cut to fit). */
export function syntheticText(random: SeededRandom, kind: TextKind, length: number): Buffer {
  const make = lineMakers[kind];
  const lines: string[] = [];
  let size = 0;
  for (let line = 0; size < length; line++) {
    const text = make(random, line);
    lines.push(text);
    size += text.length; // ASCII only, so characters are bytes
  }
  return Buffer.from(lines.join(''), 'latin1').subarray(0, length);
}

/** `length` bytes that no compressor can shrink. */
export function incompressibleBytes(random: SeededRandom, length: number): Buffer {
  return random.bytes(length);
}

/**
 * `length` bytes with 4 bits of entropy each (values 0-15): compress to about half, like the
 * padding, quantised weights or sparse regions found inside large binary artifacts.
 */
export function halfCompressibleBytes(random: SeededRandom, length: number): Buffer {
  const bytes = random.bytes(length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (bytes[i] as number) & 0x0f;
  return bytes;
}
