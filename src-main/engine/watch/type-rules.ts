/**
 * The artifact type of a watched file from the folder's type rules: `{glob, type}` pairs, first
 * match wins. Globs use gitignore syntax (the same engine as the ignore rules, so `*.onnx`,
 * `models/**` and `**\/*.csv` mean what they mean there). A bundle is matched as `name/`.
 */
import ignore, { type Ignore } from 'ignore';
import type { TypeRule } from './config';
import type { ArtifactKind } from './publisher';

export class TypeRules {
  private readonly compiled: { matcher: Ignore; type: string }[];

  constructor(rules: readonly TypeRule[]) {
    this.compiled = rules.map((rule) => ({ matcher: ignore().add(rule.glob), type: rule.type }));
  }

  typeOf(artifactPath: string, kind: ArtifactKind): string | undefined {
    const subject = kind === 'bundle' ? `${artifactPath}/` : artifactPath;
    return this.compiled.find((rule) => rule.matcher.ignores(subject))?.type;
  }
}
