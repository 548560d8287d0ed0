import fs from 'node:fs/promises';
import { CairnError } from '../../../src-shared/errors';
import { WatchConfigStore } from '../watch/config';
import { finding, type DoctorFinding } from './findings';

/** Each watched folder of this device still exists and can be read. */
export async function checkWatchedFolders(settingsFile: string): Promise<DoctorFinding[]> {
  let store: WatchConfigStore;
  try {
    store = await WatchConfigStore.load(settingsFile);
  } catch (err) {
    const message = err instanceof CairnError ? err.message : `The watched-folder settings ${settingsFile} cannot be read: ${(err as Error).message}`;
    return [finding('watchers', 'problem', message, `Fix or delete ${settingsFile}, then add the folders again.`)];
  }
  const folders = store.list();
  if (folders.length === 0) return [finding('watchers', 'ok', 'No folders are watched on this device.')];
  const findings: DoctorFinding[] = [];
  for (const folder of folders) {
    const stat = await fs.stat(folder.path).catch(() => null);
    if (!stat?.isDirectory()) {
      findings.push(
        finding('watchers', 'problem', `The watched folder ${folder.path} (collection ${folder.collection}) is missing.`, 'Reconnect the disk it is on, or stop watching it.'),
      );
      continue;
    }
    try {
      await fs.access(folder.path, fs.constants.R_OK | fs.constants.X_OK);
    } catch {
      findings.push(finding('watchers', 'problem', `The watched folder ${folder.path} cannot be read.`, 'Give this user read access to it, or stop watching it.'));
      continue;
    }
    findings.push(finding('watchers', 'ok', `Watching ${folder.path} into ${folder.collection}${folder.paused ? ' (paused)' : ''}.`));
  }
  return findings;
}
