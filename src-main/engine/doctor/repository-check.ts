import { CairnError } from '../../../src-shared/errors';
import { finding, type CommandCaller, type DoctorFinding } from './findings';

/** The repository opens and its structure is sound (`cairn check` without reading every byte). */
export async function checkRepositoryHealth(call: CommandCaller): Promise<DoctorFinding[]> {
  const info = await call('repo.info', {});
  if (!info) return [finding('repository', 'problem', 'There is no repository here yet.', 'Create one with `cairn init` (or point --repo at the right folder).')];
  const report = await call('repo.check', { readData: false });
  const findings: DoctorFinding[] = [];
  const opened = `${info.encrypted ? 'encrypted' : 'unencrypted'} repository ${info.id} at ${info.location}`;
  if (report.ok) findings.push(finding('repository', 'ok', `The ${opened} opens; ${report.packs} pack(s), ${report.blobs} blob(s) and ${report.trees} tree(s) are consistent.`));
  for (const problem of report.problems.slice(0, 10)) {
    const affected = problem.affected.slice(0, 3).map((a) => a.path).join(', ');
    findings.push(
      finding(
        'repository',
        'problem',
        `${problem.message}${affected ? ` It affects ${affected}${problem.affected.length > 3 ? ', …' : ''}.` : ''}`,
        'Run `cairn check --read-data` for the full list; `cairn verify --endpoint NAME` repairs damaged objects from a backup that has good copies.',
      ),
    );
  }
  if (report.problems.length > 10) findings.push(finding('repository', 'problem', `… and ${report.problems.length - 10} more problem(s).`, 'Run `cairn check` to see them all.'));
  const orphans = report.notes.filter((note) => note.includes('not in the index')).length;
  if (orphans > 0) {
    findings.push(finding('repository', 'warning', `${orphans} pack(s) were left unreferenced by interrupted writes.`, 'Nothing is lost; `cairn gc` reclaims them once they are a day old.'));
  }
  return findings;
}

/** The repository could not be opened at all: say why, and what to do. */
export function repositoryUnavailable(err: unknown): DoctorFinding {
  const message = err instanceof Error ? err.message : String(err);
  const hint = err instanceof CairnError ? err.hint : undefined;
  if (err instanceof CairnError && err.code === 'LOCKED') {
    return finding('repository', 'warning', `The repository was not checked: ${message}`, hint ?? 'Run `cairn doctor` again when it has finished.');
  }
  return finding('repository', 'problem', `The repository cannot be opened: ${message}`, hint ?? 'Run `cairn check` for details.');
}
