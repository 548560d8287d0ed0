import { useEffect, useState, type FormEvent } from 'react';
import { tagPattern, typeNamePattern } from '../../../src-shared/catalogue/names';
import type { ArtifactRow } from '../../db/schema';
import { artifactActions, useArtifactStore } from '../../state/artifact-store';
import { notify } from '../../state/notices-store';

/** Tags (saved one by one) and description, license and type (saved together). */
export function MetadataEditor({ artifact }: { artifact: ArtifactRow }) {
  const busy = useArtifactStore((s) => s.busy);
  const [description, setDescription] = useState(artifact.description ?? '');
  const [license, setLicense] = useState(artifact.license ?? '');
  const [type, setType] = useState(artifact.type);
  const [newTag, setNewTag] = useState('');

  // When the catalogue changes underneath (another device, the CLI), show the new values.
  useEffect(() => setDescription(artifact.description ?? ''), [artifact.description]);
  useEffect(() => setLicense(artifact.license ?? ''), [artifact.license]);
  useEffect(() => setType(artifact.type), [artifact.type]);

  const dirty = description !== (artifact.description ?? '') || license !== (artifact.license ?? '') || type !== artifact.type;
  const typeProblem = typeNamePattern.test(type) ? null : 'Lower-case letters, digits, "_" and "-", starting with a letter.';

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (typeProblem) return;
    void artifactActions.editMetadata({
      artifact: artifact.id,
      ...(description !== (artifact.description ?? '') ? { description: description.trim() === '' ? null : description } : {}),
      ...(license !== (artifact.license ?? '') ? { license: license.trim() === '' ? null : license.trim() } : {}),
      ...(type !== artifact.type ? { type } : {}),
    });
  };

  const addTag = async (event: FormEvent) => {
    event.preventDefault();
    const tag = newTag.trim();
    if (!tagPattern.test(tag)) {
      notify('error', `"${tag}" is not a tag: letters, digits and . _ : + -, at most 64, starting with a letter or digit.`);
      return;
    }
    if (await artifactActions.editTags(artifact.id, [tag], [])) setNewTag('');
  };

  return (
    <div className="metadata">
      <h3>Tags</h3>
      <ul className="tag-list" aria-label="Tags">
        {artifact.tags.length === 0 && <li className="muted">No tags yet.</li>}
        {artifact.tags.map((tag) => (
          <li key={tag} className="tag tag-removable">
            {tag}
            <button type="button" aria-label={`Remove tag ${tag}`} disabled={busy !== null} onClick={() => void artifactActions.editTags(artifact.id, [], [tag])}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <form className="inline-form" onSubmit={(e) => void addTag(e)}>
        <label htmlFor="new-tag" className="visually-hidden">
          New tag
        </label>
        <input id="new-tag" value={newTag} onChange={(e) => setNewTag(e.target.value)} placeholder="new tag" spellCheck={false} />
        <button type="submit" disabled={busy !== null || newTag.trim() === ''}>
          Add tag
        </button>
      </form>

      <h3>Details</h3>
      <form className="form" onSubmit={save}>
        <div className="field">
          <label htmlFor="meta-description">Description</label>
          <textarea id="meta-description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="meta-license">License</label>
            <input id="meta-license" value={license} onChange={(e) => setLicense(e.target.value)} placeholder="e.g. CC-BY-4.0" />
          </div>
          <div className="field">
            <label htmlFor="meta-type">Type</label>
            <input id="meta-type" value={type} onChange={(e) => setType(e.target.value)} aria-invalid={typeProblem !== null} aria-describedby={typeProblem ? "meta-type-problem" : undefined} />
            {typeProblem && (
              <p id="meta-type-problem" className="field-problem">
                {typeProblem}
              </p>
            )}
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={!dirty || busy !== null || typeProblem !== null}>
            Save details
          </button>
          {dirty && (
            <button
              type="button"
              onClick={() => {
                setDescription(artifact.description ?? '');
                setLicense(artifact.license ?? '');
                setType(artifact.type);
              }}
            >
              Discard changes
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
