import { z } from 'zod';
import { command, event } from './define';
import { repositoryInfoSchema } from './repository';

export const engineCommands = {
  'engine.status': command(
    'Version, repository location and uptime of the running engine.',
    z.object({}).strict(),
    z.object({
      version: z.string(),
      repositoryPath: z.string(),
      uptimeMs: z.number().nonnegative(),
      startedAt: z.string(),
      host: z.string(),
      pid: z.number().int(),
      nodeVersion: z.string(),
      /** The open repository; null until one is created. */
      repository: repositoryInfoSchema.nullable(),
    }),
  ),
};

export const logLevels = ['debug', 'info', 'warn', 'error'] as const;

export const engineEvents = {
  'engine.log': event(
    'A log line from the engine, for the activity feed.',
    z.object({
      level: z.enum(logLevels),
      message: z.string(),
      time: z.string(),
      area: z.string().optional(),
    }),
  ),
};
