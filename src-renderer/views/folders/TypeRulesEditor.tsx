interface TypeRule {
  glob: string;
  type: string;
}

/** Which type a file gets by its path (gitignore-style globs), first match wins. */
export function TypeRulesEditor({ rules, onChange }: { rules: TypeRule[]; onChange: (rules: TypeRule[]) => void }) {
  const edit = (index: number, patch: Partial<TypeRule>) => onChange(rules.map((rule, i) => (i === index ? { ...rule, ...patch } : rule)));
  return (
    <fieldset className="type-rules">
      <legend>Type rules</legend>
      <p className="hint">A file matching a pattern gets that type (first match wins); others get their type from the extension.</p>
      {rules.map((rule, index) => (
        <div className="field-row" key={index}>
          <label className="visually-hidden" htmlFor={`rule-glob-${index}`}>
            Pattern {index + 1}
          </label>
          <input id={`rule-glob-${index}`} value={rule.glob} placeholder="models/**/*.bin" onChange={(e) => edit(index, { glob: e.target.value })} spellCheck={false} />
          <label className="visually-hidden" htmlFor={`rule-type-${index}`}>
            Type for pattern {index + 1}
          </label>
          <input id={`rule-type-${index}`} value={rule.type} placeholder="model" onChange={(e) => edit(index, { type: e.target.value })} spellCheck={false} />
          <button type="button" aria-label={`Remove rule ${index + 1}`} onClick={() => onChange(rules.filter((_, i) => i !== index))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rules, { glob: '', type: '' }])}>
        Add a rule
      </button>
    </fieldset>
  );
}
