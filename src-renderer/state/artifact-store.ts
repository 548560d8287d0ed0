import { create } from 'zustand';
import type { VersionStatus } from '../../src-shared/catalogue/lifecycle';
import type { LinkView, ValidatorResult, VersionDetail } from '../../src-shared/catalogue/views';
import type { CommandInput } from '../../src-shared/contract';
import { api } from '../api/client';
import { describeError } from '../api/errors';
import { notify } from './notices-store';

/**
 * The open artifact's selected version and what only the engine can say about it (links, last
 * validation, events). The artifact and its versions themselves come from the replica.
 */
interface ArtifactState {
  selectedVersionId: string | null;
  detail: VersionDetail | null;
  detailError: string | null;
  /** Validator results of `catalogue.verify` calls made here, by version id. */
  validations: Record<string, ValidatorResult | null>;
  /** The action in progress ("Publishing…"); one at a time. */
  busy: string | null;
  select(versionId: string | null): void;
  loadDetail(): Promise<void>;
}

export const useArtifactStore = create<ArtifactState>((set, get) => ({
  selectedVersionId: null,
  detail: null,
  detailError: null,
  validations: {},
  busy: null,
  select(versionId) {
    if (versionId === get().selectedVersionId) return;
    set({ selectedVersionId: versionId, detail: null, detailError: null });
    void get().loadDetail();
  },
  async loadDetail() {
    const versionId = get().selectedVersionId;
    if (!versionId) return;
    try {
      const detail = await api['catalogue.versions.get']({ version: versionId });
      if (get().selectedVersionId === versionId) set({ detail, detailError: null });
    } catch (err) {
      if (get().selectedVersionId === versionId) set({ detailError: `The details of this version could not be read: ${describeError(err)}` });
    }
  },
}));

/**
 * Runs one action against the engine: marks it busy, reports the outcome, refreshes the detail.
 * Returns whether it succeeded; a failure is shown, never swallowed.
 */
async function run(label: string, action: () => Promise<string | null>): Promise<boolean> {
  const store = useArtifactStore;
  if (store.getState().busy) return false;
  store.setState({ busy: label });
  try {
    const message = await action();
    if (message) notify('success', message);
    return true;
  } catch (err) {
    notify('error', `${label.replace(/…$/, '')} failed: ${describeError(err)}`);
    return false;
  } finally {
    store.setState({ busy: null });
    void store.getState().loadDetail();
  }
}

const statusVerbs: Record<VersionStatus, string> = {
  draft: 'Moved back to draft',
  on_verification: 'Sent for verification',
  published: 'Published',
  blocked: 'Blocked',
  archived: 'Archived',
};

export const artifactActions = {
  setStatus: (versionId: string, status: VersionStatus, reason?: string) =>
    run('Changing the status…', async () => {
      const v = await api['catalogue.status.set']({ version: versionId, status, ...(reason ? { reason } : {}) });
      return `${statusVerbs[status]}: ${v.name} v${v.number}.`;
    }),

  /** Runs the type's validator: published on a pass, blocked on a failure. */
  verify: (versionId: string) =>
    run('Verifying…', async () => {
      const { version, validation } = await api['catalogue.verify']({ version: versionId });
      useArtifactStore.setState((s) => ({ validations: { ...s.validations, [versionId]: validation } }));
      if (!validation) return `v${version.number} has no validator for its type: now ${version.status.replace('_', ' ')}.`;
      if (validation.pass) return `v${version.number} passed its validator and is published.`;
      notify('error', `v${version.number} failed its validator and is blocked. The validator's output is shown with the version.`);
      return null;
    }),

  rollback: (artifactId: string, number: number) =>
    run('Rolling back…', async () => {
      const { version, created } = await api['catalogue.rollback']({ artifact: artifactId, version: number });
      useArtifactStore.getState().select(version.id);
      return created ? `Rolled back: v${version.number} has the content of v${number}.` : `v${number} is already the current content.`;
    }),

  restoreTo: (input: CommandInput<'catalogue.restoreTo'>) =>
    run('Restoring…', async () => {
      const result = await api['catalogue.restoreTo'](input);
      return `Restored v${result.version.number} to ${result.target}: ${result.files} file(s).`;
    }),

  editMetadata: (input: CommandInput<'catalogue.metadata.edit'>) =>
    run('Saving…', async () => {
      await api['catalogue.metadata.edit'](input);
      return 'Details saved.';
    }),

  editTags: (artifactId: string, add: string[], remove: string[]) =>
    run('Saving tags…', async () => {
      await api['catalogue.tags.edit']({ artifact: artifactId, add, remove });
      return null;
    }),

  link: (from: string, kind: LinkView['kind'], to: string, remove = false) =>
    run(remove ? 'Removing the link…' : 'Linking…', async () => {
      await api['catalogue.link']({ from, kind, to, remove });
      return remove ? 'Link removed.' : 'Link added.';
    }),

  deleteArtifact: (artifactId: string) =>
    run('Deleting…', async () => {
      const a = await api['catalogue.artifacts.delete']({ artifact: artifactId });
      return `${a.name} deleted. Undo with Restore until garbage collection.`;
    }),

  undeleteArtifact: (artifactId: string) =>
    run('Restoring…', async () => {
      const a = await api['catalogue.artifacts.restore']({ artifact: artifactId });
      return `${a.name} is back.`;
    }),
};
