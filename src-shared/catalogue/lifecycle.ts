/**
 * The lifecycle of a version (DESIGN.md 6). Shared so the renderer can offer exactly the moves
 * the engine accepts.
 *
 *   draft ──> on_verification ──> published ──> archived
 *     │            │    │
 *     │            │    └──> blocked ──> on_verification (verify again)
 *     │            └──> draft (withdrawn)        └──> archived
 *     └──> archived
 *
 * A new version starts as `draft`. `published` is the only status served to consumers and share
 * links; a published version's content and outgoing links never change, it can only be retired
 * (`archived`). `archived` is final: to bring old content back, roll back to it (a new version).
 */
export const versionStatuses = ['draft', 'on_verification', 'published', 'blocked', 'archived'] as const;
export type VersionStatus = (typeof versionStatuses)[number];

/** The status of a version nobody has moved yet. */
export const initialStatus: VersionStatus = 'draft';

export const legalTransitions: { readonly [From in VersionStatus]: readonly VersionStatus[] } = {
  draft: ['on_verification', 'archived'],
  on_verification: ['published', 'blocked', 'draft'],
  blocked: ['on_verification', 'archived'],
  published: ['archived'],
  archived: [],
};

export function isLegalTransition(from: VersionStatus, to: VersionStatus): boolean {
  return legalTransitions[from].includes(to);
}

export function isVersionStatus(value: unknown): value is VersionStatus {
  return typeof value === 'string' && (versionStatuses as readonly string[]).includes(value);
}
