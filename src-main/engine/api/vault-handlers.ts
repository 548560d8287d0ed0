import * as Y from 'yjs';
import type { vaultCommands } from '../../../src-shared/contract/vault';
import { CairnError } from '../../../src-shared/errors';
import type { EventBus } from '../events';
import { backupReportSchema } from '../../../src-shared/contract/endpoints';
import type { BackupJob, JobRecorder } from '../replicate/backup-service';
import { newJobId, VersionNotServableError, type Vault } from '../vault/vault';
import type { AreaHandlers } from './handlers';

const dayMs = 24 * 60 * 60 * 1000;

/** Handlers that join bytes and catalogue: add, restore a version, gc, the manifest replica. */
export function vaultHandlers(vault: Vault, events: EventBus): AreaHandlers<keyof typeof vaultCommands> {
  return {
    'catalogue.add': async ({ reread, ...input }, ctx) => {
      const jobId = newJobId();
      const result = await vault.addArtifact(
        { ...input, tool: `cairn (${ctx.transport})` },
        {
          previous: reread ? 'reread' : 'use',
          signal: ctx.signal,
          onProgress: (p) =>
            events.emit('job.progress', { jobId, kind: 'snapshot', phase: p.phase, done: p.filesDone, total: p.filesTotal, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }),
        },
      );
      return { version: result.version, created: result.created, bytesRead: result.bytesRead, bytesNew: result.bytesNew, files: result.files, durationMs: result.durationMs };
    },
    'catalogue.restoreTo': async ({ version: reference, target, path, overwrite, anyStatus }, ctx) => {
      const catalogue = vault.requireCatalogue();
      const version = catalogue.getVersion(reference);
      if (!anyStatus && version.status !== 'published') {
        throw new VersionNotServableError(`${version.collection}/${version.name}@v${version.number}`, version.status);
      }
      const jobId = newJobId();
      const result = await vault.restore(version.treeId, target, {
        ...(path !== undefined ? { path } : {}),
        overwrite,
        signal: ctx.signal,
        onProgress: (p) => events.emit('job.progress', { jobId, kind: 'restore', phase: 'writing', done: p.filesDone, total: p.filesTotal, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }),
      });
      await catalogue.recordEvent('restored', { artifactId: version.artifactId, versionId: version.id }, { target: result.target, files: result.files, bytes: result.bytes });
      return { version, files: result.files, bytes: result.bytes, target: result.target, durationMs: result.durationMs };
    },
    'repo.gc': async ({ dryRun, graceDays }) => vault.gc({ dryRun, graceMs: graceDays * dayMs }),
    'manifest.state': async ({ stateVector }) => {
      const store = vault.manifest;
      if (!store) throw new CairnError('NOT_FOUND', 'There is no repository yet, so no manifest.', { hint: 'Create one with `cairn init`.' });
      let vector: Uint8Array | undefined;
      if (stateVector !== undefined) {
        try {
          vector = Buffer.from(stateVector, 'base64');
          Y.decodeStateVector(vector);
        } catch {
          throw new CairnError('INVALID_INPUT', 'stateVector is not a base64 Yjs state vector.');
        }
      }
      return { update: Buffer.from(Y.encodeStateAsUpdateV2(store.doc, vector)).toString('base64') };
    },
  };
}

/** Backup jobs live in the catalogue's audit log, so every device sees them. */
export function catalogueJobRecorder(vault: Vault): JobRecorder {
  return {
    async record(job: BackupJob) {
      await vault.requireCatalogue().recordEvent('backup_run', {}, { ...job });
    },
    list(endpoint, limit) {
      const catalogue = vault.catalogue;
      if (!catalogue) return [];
      const jobs: BackupJob[] = [];
      let cursor: string | undefined;
      do {
        const page = catalogue.listEvents({ kinds: ['backup_run'], limit: 500, ...(cursor ? { cursor } : {}) });
        for (const event of page.items) {
          const parsed = backupReportSchema.safeParse(event.details);
          if (parsed.success && (endpoint === undefined || parsed.data.endpoint === endpoint)) jobs.push(parsed.data);
          if (jobs.length >= limit) return jobs;
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return jobs;
    },
  };
}
