import { useId } from 'react';
import { api, transportKind } from '../api/client';
import { describeError } from '../api/errors';
import { notify } from '../state/notices-store';

interface PathFieldProps {
  label: string;
  value: string;
  onChange: (path: string) => void;
  hint?: string;
  required?: boolean;
}

/**
 * A path on the engine's machine. In the desktop app a native dialog can choose it; in browser
 * mode the page cannot see the engine's disks, so the path is typed.
 */
export function PathField({ label, value, onChange, hint, required = true }: PathFieldProps) {
  const id = useId();
  const pick = async () => {
    try {
      const { path } = await api['desktop.pickFolder']({ title: label });
      if (path) onChange(path);
    } catch (err) {
      notify('error', `The folder dialog could not open: ${describeError(err)}`);
    }
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="field-row">
        <input
          id={id}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          required={required}
          placeholder="/home/me/Documents"
          spellCheck={false}
          autoComplete="off"
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
        {transportKind === 'ipc' && (
          <button type="button" onClick={() => void pick()}>
            Choose…
          </button>
        )}
      </div>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}
