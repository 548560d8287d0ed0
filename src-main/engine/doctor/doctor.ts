import path from 'node:path';
import { checkDiskSpace, type DiskThresholds } from './disk-space-check';
import { checkEndpoints } from './endpoint-check';
import { finding, reportOf, type CommandCaller, type DoctorFinding, type DoctorReport } from './findings';
import { checkLeftoverTempFiles } from './leftover-temp-files';
import { inspectLock, lockFinding } from './lock-check';
import { checkRepositoryHealth, repositoryUnavailable } from './repository-check';
import { checkWatchedFolders } from './watch-check';

export interface OpenedEngine {
  call: CommandCaller;
  close(): Promise<void>;
}

export interface DoctorOptions {
  repositoryPath: string;
  /**
   * Reaches the engine that has the repository open: the running owner (app, `cairn serve`)
   * or one started for the doctor. Called after the lock was inspected.
   */
  openEngine: () => Promise<OpenedEngine>;
  /** The device's watched-folder settings, when the host has them. */
  watchSettingsFile?: string;
  disk?: DiskThresholds;
  /** Temp files younger than this may belong to a write in progress. Default 1 hour. */
  leftoverAgeMs?: number;
}

/**
 * `cairn doctor`: looks at everything that keeps Cairn from working, in the order a person
 * would: the lock, the repository, the endpoints (with the clock), watched folders, the disk,
 * and leftovers of crashes. One check failing never stops the others.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const localDir = path.join(options.repositoryPath, 'local');
  const findings: DoctorFinding[] = [];
  const attempt = async (area: DoctorFinding['area'], check: () => Promise<DoctorFinding | DoctorFinding[]>) => {
    try {
      const found = await check();
      findings.push(...(Array.isArray(found) ? found : [found]));
    } catch (err) {
      findings.push(finding(area, 'problem', `The ${area} check failed: ${(err as Error).message}`));
    }
  };

  await attempt('lock', async () => lockFinding(await inspectLock(localDir), localDir));
  let engine: OpenedEngine | null = null;
  try {
    engine = await options.openEngine();
  } catch (err) {
    findings.push(repositoryUnavailable(err));
  }
  if (engine) {
    const call = engine.call;
    try {
      await attempt('repository', () => checkRepositoryHealth(call));
      await attempt('endpoints', () => checkEndpoints(call));
    } finally {
      await engine.close();
    }
  }
  if (options.watchSettingsFile) await attempt('watchers', () => checkWatchedFolders(options.watchSettingsFile!));
  await attempt('disk', () => checkDiskSpace(options.repositoryPath, options.disk));
  await attempt('leftovers', () => checkLeftoverTempFiles(options.repositoryPath, options.leftoverAgeMs === undefined ? {} : { olderThanMs: options.leftoverAgeMs }));
  return reportOf(findings);
}
