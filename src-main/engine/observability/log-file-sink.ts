import type { EventPayload } from '../../../src-shared/contract';
import type { EventBus } from '../events';
import { RotatingLogFile, type RotatingLogFileOptions } from './rotating-log-file';

export interface LogFileSink {
  /** The current log file. */
  readonly file: string;
  /** Waits for the lines logged so far to reach the file. */
  flush(): Promise<void>;
  /** Stops listening and closes the file. */
  stop(): Promise<void>;
}

/**
 * Writes the engine's log (`engine.log` events) as JSON lines to a rotating file, one object
 * per line: `{"time","level","area","message","pid"}`. Owning hosts (the desktop app, `cairn
 * serve`, `cairn watch run`) start one in `CAIRN_LOG_DIR` or the per-user log folder.
 */
export function startLogFileSink(events: EventBus, options: RotatingLogFileOptions): LogFileSink {
  const file = new RotatingLogFile(options);
  const unsubscribe = events.subscribe((event, payload) => {
    if (event !== 'engine.log') return;
    const { time, level, area, message } = payload as EventPayload<'engine.log'>;
    file.write(JSON.stringify({ time, level, ...(area === undefined ? {} : { area }), message, pid: process.pid }));
  });
  return {
    file: file.file,
    flush: () => file.flush(),
    async stop() {
      unsubscribe();
      await file.close();
    },
  };
}
