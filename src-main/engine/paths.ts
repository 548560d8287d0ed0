import envPaths from 'env-paths';
import path from 'node:path';

const appPaths = envPaths('cairn', { suffix: '' });

/**
 * Where the embedded repository lives unless `--repo` or `CAIRN_REPO` says otherwise: the
 * per-user data folder of the OS (e.g. ~/.local/share/cairn/repository on Linux).
 */
export function defaultRepositoryPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CAIRN_REPO?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  return path.join(appPaths.data, 'repository');
}

/** Device-local settings (watched folders, endpoints) — never synced. */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CAIRN_CONFIG_DIR?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  return appPaths.config;
}

export function defaultLogDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CAIRN_LOG_DIR?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  return appPaths.log;
}
