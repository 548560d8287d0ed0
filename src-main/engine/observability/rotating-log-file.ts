import fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';

export interface RotatingLogFileOptions {
  /** Folder of the log files (created when missing, 0700: logs name paths and hosts). */
  dir: string;
  /** Name of the current file; rotated ones get `.1` (newest) to `.<maxFiles - 1>`. */
  fileName?: string;
  /** A file is rotated before a line would take it past this size. Default 10 MiB. */
  maxBytes?: number;
  /** Files kept, the current one included. Default 5. */
  maxFiles?: number;
}

/**
 * An append-only text file that rotates by size: `cairn.log`, then `cairn.log.1` … `.4`, the
 * oldest dropped. Lines are written in order, one at a time, without blocking the caller;
 * `flush()` waits for those written so far. A failing disk never throws into the caller (a log
 * must not stop the engine): the first failure is kept in `lastError` and writing stops.
 */
export class RotatingLogFile {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private handle: FileHandle | null = null;
  private size = 0;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  lastError: unknown = null;

  constructor(private readonly options: RotatingLogFileOptions) {
    this.file = path.join(options.dir, options.fileName ?? 'cairn.log');
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.maxFiles = Math.max(1, options.maxFiles ?? 5);
  }

  /** Appends one line (a newline is added). */
  write(line: string): void {
    if (this.closed || this.lastError !== null) return;
    const bytes = Buffer.from(`${line}\n`);
    this.queue = this.queue.then(() => this.append(bytes)).catch((err: unknown) => {
      this.lastError ??= err;
    });
  }

  /** Resolves once every line written before the call is in the file. */
  flush(): Promise<void> {
    return this.queue;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
  }

  private async append(bytes: Buffer): Promise<void> {
    if (!this.handle) await this.open();
    if (this.size > 0 && this.size + bytes.length > this.maxBytes) await this.rotate();
    await this.handle!.write(bytes);
    this.size += bytes.length;
  }

  private async open(): Promise<void> {
    await fs.mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    this.handle = await fs.open(this.file, 'a', 0o600);
    this.size = (await this.handle.stat()).size;
  }

  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
    if (this.maxFiles === 1) await fs.rm(this.file, { force: true });
    for (let n = this.maxFiles - 1; n >= 1; n--) {
      const from = n === 1 ? this.file : `${this.file}.${n - 1}`;
      await fs.rename(from, `${this.file}.${n}`).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      });
    }
    await this.open();
  }
}
