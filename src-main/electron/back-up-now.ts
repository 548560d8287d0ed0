import { commands } from '../../src-shared/contract';
import { CairnError } from '../../src-shared/errors';
import type { Engine } from '../engine/engine';

export type BackupEngine = Pick<Engine, 'call' | 'log'>;

export interface BackUpNowResult {
  /** Endpoints with role "backup" that were asked to back up. */
  endpoints: string[];
  failed: string[];
}

const context = { transport: 'tray' } as const;

/**
 * The tray's "Back up now": runs the contract's `backup.run` on every endpoint whose role is
 * backup, one after another (they share the upload bandwidth). Failures are logged at level
 * error, which the tray and notifications turn into the error status and a notice, so a click
 * that did nothing is never silent. A second click while one runs does nothing.
 */
export class BackUpNow {
  private running: Promise<BackUpNowResult> | null = null;

  constructor(private readonly engine: BackupEngine) {}

  get isRunning(): boolean {
    return this.running !== null;
  }

  run(): Promise<BackUpNowResult> {
    this.running ??= this.backUpAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async backUpAll(): Promise<BackUpNowResult> {
    const { log } = this.engine;
    let names: string[];
    try {
      const listed = commands['endpoints.list'].output.parse(await this.engine.call('endpoints.list', {}, context));
      names = listed.endpoints.filter((e) => e.role === 'backup').map((e) => e.name);
    } catch (err) {
      log.error(`Back up now: could not list the endpoints: ${describe(err)}`, 'desktop');
      return { endpoints: [], failed: [] };
    }
    if (names.length === 0) {
      log.warn('Back up now: no backup endpoint is set up yet; add one in Settings', 'desktop');
      return { endpoints: [], failed: [] };
    }
    const failed: string[] = [];
    for (const name of names) {
      try {
        const report = commands['backup.run'].output.parse(await this.engine.call('backup.run', { endpoint: name }, context));
        if (report.result !== 'ok') {
          failed.push(name);
          log.error(`backup to "${name}" ${report.result}${report.error ? `: ${report.error}` : ''}`, 'desktop');
        }
      } catch (err) {
        failed.push(name);
        log.error(`backup to "${name}" failed: ${describe(err)}`, 'desktop');
      }
    }
    return { endpoints: names, failed };
  }
}

function describe(err: unknown): string {
  if (err instanceof CairnError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
