import type { EventBus } from './events';
import { logLevels } from '../../src-shared/contract/engine';

export type LogLevel = (typeof logLevels)[number];

export interface Logger {
  debug(message: string, area?: string): void;
  info(message: string, area?: string): void;
  warn(message: string, area?: string): void;
  error(message: string, area?: string): void;
}

/** Logs go to the event bus (the UI's activity feed) and, above `echoLevel`, to stderr. */
export function createLogger(bus: EventBus, options: { echoLevel?: LogLevel | 'silent' } = {}): Logger {
  const echoLevel = options.echoLevel ?? 'silent';
  const echoRank = echoLevel === 'silent' ? Infinity : logLevels.indexOf(echoLevel);
  const log = (level: LogLevel, message: string, area?: string) => {
    const time = new Date().toISOString();
    bus.emit('engine.log', area === undefined ? { level, message, time } : { level, message, time, area });
    if (logLevels.indexOf(level) >= echoRank) {
      process.stderr.write(`${time} ${level.padEnd(5)} ${area ? `[${area}] ` : ''}${message}\n`);
    }
  };
  return {
    debug: (m, a) => log('debug', m, a),
    info: (m, a) => log('info', m, a),
    warn: (m, a) => log('warn', m, a),
    error: (m, a) => log('error', m, a),
  };
}
