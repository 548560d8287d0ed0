/**
 * Keeps what a validator prints, within a fixed budget: the first and last 2 KiB of the bytes,
 * whatever their size, so a runaway validator cannot fill memory and the audit log keeps the
 * start (what ran) and the end (why it failed). Bytes are decoded as UTF-8 with invalid
 * sequences replaced, so binary output is safe to store and show.
 */
export const excerptLimitBytes = 4096;
const sideBytes = excerptLimitBytes / 2;

export class OutputCapture {
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  private total = 0;

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.head.length < sideBytes) {
      const take = Math.min(sideBytes - this.head.length, chunk.length);
      this.head = Buffer.concat([this.head, chunk.subarray(0, take)]);
      chunk = chunk.subarray(take);
    }
    if (chunk.length === 0) return;
    const joined = Buffer.concat([this.tail, chunk]);
    this.tail = joined.length > sideBytes ? Buffer.from(joined.subarray(joined.length - sideBytes)) : joined;
  }

  get totalBytes(): number {
    return this.total;
  }

  /** The excerpt: at most 4 KiB of UTF-8, with a marker where bytes were left out. */
  excerpt(): string {
    const omitted = this.total - this.head.length - this.tail.length;
    if (omitted === 0) return fitUtf8(Buffer.concat([this.head, this.tail]).toString('utf8'), excerptLimitBytes, 'start');
    const marker = `\n… ${omitted} bytes left out …\n`;
    const side = Math.floor((excerptLimitBytes - Buffer.byteLength(marker)) / 2);
    return fitUtf8(this.head.toString('utf8'), side, 'start') + marker + fitUtf8(this.tail.toString('utf8'), side, 'end');
  }
}

/** Cuts `text` to at most `maxBytes` of UTF-8 on a character boundary, keeping its start or end. */
export function fitUtf8(text: string, maxBytes: number, keep: 'start' | 'end'): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const chars = Array.from(text);
  const out: string[] = [];
  let bytes = 0;
  for (let i = 0; i < chars.length; i += 1) {
    const char = chars[keep === 'start' ? i : chars.length - 1 - i] as string;
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    out.push(char);
  }
  return keep === 'start' ? out.join('') : out.reverse().join('');
}
