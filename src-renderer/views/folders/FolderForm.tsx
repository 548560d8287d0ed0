import { useState, type FormEvent } from 'react';
import { collectionPattern } from '../../../src-shared/catalogue/names';
import { describeError } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PathField } from '../../components/PathField';
import { useFoldersStore, type WatchedFolder } from '../../state/folders-store';
import { TypeRulesEditor } from './TypeRulesEditor';

const megabyte = 1_000_000;

/**
 * Adds a watched folder, or changes one. Path and bundle mode decide what the artifacts are, so
 * they are fixed once the folder is watched (remove it and add it again to change them).
 */
export function FolderForm({ editing, onClose }: { editing?: WatchedFolder; onClose: () => void }) {
  const { add, update } = useFoldersStore();
  const [path, setPath] = useState(editing?.path ?? '');
  const [collection, setCollection] = useState(editing?.collection ?? 'default');
  const [mode, setMode] = useState<'draft' | 'auto-publish'>(editing?.mode ?? 'draft');
  const [bundles, setBundles] = useState(editing?.bundles ?? false);
  const [rules, setRules] = useState(editing?.typeRules ?? []);
  const [ignoreText, setIgnoreText] = useState((editing?.ignore ?? []).join('\n'));
  const [maxMB, setMaxMB] = useState(editing?.maxFileSize ? String(editing.maxFileSize / megabyte) : '');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!collectionPattern.test(collection)) return setError('The collection name: lower-case letters, digits, ".", "_" and "-", starting with a letter or digit.');
    const max = maxMB.trim() === '' ? undefined : Math.round(Number(maxMB) * megabyte);
    if (max !== undefined && !(max > 0)) return setError('The size limit must be a positive number of MB, or empty for none.');
    const typeRules = rules.filter((r) => r.glob.trim() && r.type.trim()).map((r) => ({ glob: r.glob.trim(), type: r.type.trim() }));
    // One gitignore pattern per line; blank lines and # comments are dropped, as git does.
    const ignore = ignoreText
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    setSaving(true);
    setError(null);
    try {
      if (editing) await update(editing.id, { collection, mode, typeRules, ignore, ...(max !== undefined ? { maxFileSize: max } : {}) });
      else await add({ path: path.trim(), collection, mode, bundles, typeRules, ignore, ...(max !== undefined ? { maxFileSize: max } : {}) });
      onClose();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog title={editing ? `Folder settings: ${editing.path}` : 'Watch a folder'} onClose={onClose} wide>
      <form className="form" onSubmit={(e) => void submit(e)}>
        {editing ? (
          <p>
            <code>{editing.path}</code> {editing.bundles ? '(each top-level folder is one bundle)' : ''}
          </p>
        ) : (
          <PathField label="Folder" value={path} onChange={setPath} hint="An absolute path on the machine the engine runs on." />
        )}
        <div className="form-grid">
          <div className="field">
            <label htmlFor="folder-collection">Collection</label>
            <input id="folder-collection" value={collection} onChange={(e) => setCollection(e.target.value)} spellCheck={false} />
          </div>
          <div className="field">
            <label htmlFor="folder-max">Skip files larger than (MB)</label>
            <input id="folder-max" value={maxMB} onChange={(e) => setMaxMB(e.target.value)} inputMode="decimal" placeholder="no limit" />
          </div>
        </div>
        <fieldset className="radio-group">
          <legend>New versions are</legend>
          <label className="checkbox">
            <input type="radio" name="folder-mode" checked={mode === 'draft'} onChange={() => setMode('draft')} />
            Drafts, until someone publishes them
          </label>
          <label className="checkbox">
            <input type="radio" name="folder-mode" checked={mode === 'auto-publish'} onChange={() => setMode('auto-publish')} />
            Sent for verification and published when they pass
          </label>
        </fieldset>
        {!editing && (
          <label className="checkbox">
            <input type="checkbox" checked={bundles} onChange={(e) => setBundles(e.target.checked)} />
            Each top-level folder inside is one artifact (a bundle, such as a model folder)
          </label>
        )}
        <TypeRulesEditor rules={rules} onChange={setRules} />
        <div className="field">
          <label htmlFor="folder-ignore">Ignore rules (one gitignore pattern per line)</label>
          <textarea
            id="folder-ignore"
            rows={3}
            value={ignoreText}
            onChange={(e) => setIgnoreText(e.target.value)}
            spellCheck={false}
            placeholder={'*.log\nscratch/'}
            aria-describedby="folder-ignore-hint"
          />
          <p className="hint" id="folder-ignore-hint">
            Matching files are never versioned. A <code>.cairnignore</code> file in the folder and the collection&apos;s own rules apply too; <code>!pattern</code> takes a file back.
          </p>
        </div>
        <ErrorNotice message={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={saving || (!editing && path.trim() === '')}>
            {saving ? 'Saving…' : editing ? 'Save' : 'Watch this folder'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
