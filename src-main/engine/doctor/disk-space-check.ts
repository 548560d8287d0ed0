import fs from 'node:fs/promises';
import path from 'node:path';
import { finding, type DoctorFinding } from './findings';

export interface DiskThresholds {
  /** Below either of these, a problem: writes will soon fail. */
  problemBytes: number;
  problemShare: number;
  /** Below either of these, a warning. */
  warningBytes: number;
  warningShare: number;
}

export const defaultDiskThresholds: DiskThresholds = {
  problemBytes: 512 * 1024 * 1024,
  problemShare: 0.01,
  warningBytes: 5 * 1024 * 1024 * 1024,
  warningShare: 0.05,
};

/** Free space on the disk of the repository (or of its nearest existing parent folder). */
export async function checkDiskSpace(repositoryPath: string, thresholds: DiskThresholds = defaultDiskThresholds): Promise<DoctorFinding> {
  let folder = path.resolve(repositoryPath);
  for (;;) {
    try {
      const stats = await fs.statfs(folder);
      return judge(stats.bavail * stats.bsize, stats.blocks * stats.bsize, thresholds);
    } catch (err) {
      const parent = path.dirname(folder);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === folder) throw err;
      folder = parent;
    }
  }
}

export function judge(freeBytes: number, totalBytes: number, thresholds: DiskThresholds): DoctorFinding {
  const share = totalBytes > 0 ? freeBytes / totalBytes : 0;
  const said = `${formatGiB(freeBytes)} free of ${formatGiB(totalBytes)} (${(share * 100).toFixed(1)}%) on the repository's disk.`;
  const fix = 'Free space on that disk: `cairn forget` then `cairn gc` reclaims old versions; or move the repository to a larger disk.';
  if (freeBytes < thresholds.problemBytes || share < thresholds.problemShare) return finding('disk', 'problem', `Only ${said} New versions will soon fail to store.`, fix);
  if (freeBytes < thresholds.warningBytes || share < thresholds.warningShare) return finding('disk', 'warning', `Only ${said}`, fix);
  return finding('disk', 'ok', said);
}

function formatGiB(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}
