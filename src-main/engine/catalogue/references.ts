import { minimumDigestPrefix, parseReference, type ParsedReference } from '../../../src-shared/catalogue/reference';
import { artifactNameProblem, collectionPattern } from '../../../src-shared/catalogue/names';
import type { VersionRecord } from '../../../src-shared/catalogue/records';
import { artifactIdOf } from './artifact-id';
import type { ArtifactEntry } from './artifact-entry';
import type { CatalogueIndex } from './catalogue-index';
import { AmbiguousReferenceError, InvalidReferenceError, UnknownArtifactError, UnknownVersionError } from './errors';

/**
 * Resolves the references people type (src-shared/catalogue/reference.ts) against the index.
 * Deleted artifacts and versions resolve too (so they can be restored); a bare name that several
 * collections use resolves to the only live one, else it is ambiguous.
 */
const hexId = /^[0-9a-f]{32}$/;

export function resolveArtifact(index: CatalogueIndex, reference: string): ArtifactEntry {
  if (hexId.test(reference)) {
    const byId = index.artifacts.get(reference);
    if (byId?.claim) return byId;
  }
  const parsed = parse(reference);
  if (parsed.selector.kind !== 'head') throw new InvalidReferenceError(reference, 'it names a version; give the artifact alone (collection/name)');
  return artifactOf(index, parsed, reference);
}

export function resolveVersion(index: CatalogueIndex, reference: string): VersionRecord {
  if (hexId.test(reference)) {
    const version = index.version(reference);
    if (version) return version;
    const artifact = index.artifacts.get(reference);
    if (artifact?.claim) return headOf(index, artifact, reference);
  }
  const parsed = parse(reference);
  const entry = artifactOf(index, parsed, reference);
  const selector = parsed.selector;
  if (selector.kind === 'head') return headOf(index, entry, reference);
  if (selector.kind === 'number') {
    const version = entry.versions.at(selector.number - 1);
    if (!version) throw new UnknownVersionError(reference, `${describe(entry)} has ${entry.versions.length} version(s).`);
    return version;
  }
  const matches = entry.versions.all.filter((v) => v.sha256.startsWith(selector.prefix));
  if (matches.length === 0) throw new UnknownVersionError(reference, `No version of ${describe(entry)} has a SHA-256 starting with ${selector.prefix}.`);
  const digests = new Set(matches.map((v) => v.sha256));
  if (digests.size > 1) throw new AmbiguousReferenceError(reference, [...digests].map((d) => `sha256:${d.slice(0, Math.max(12, selector.prefix.length + 4))}`));
  // The same content in several versions (a rollback): the newest of them.
  return matches.at(-1) as VersionRecord;
}

function parse(reference: string): ParsedReference {
  const parsed = parseReference(reference);
  if ('problem' in parsed) throw new InvalidReferenceError(reference, parsed.problem);
  const nameProblem = artifactNameProblem(parsed.name);
  if (nameProblem) throw new InvalidReferenceError(reference, `the name ${nameProblem}`);
  if (parsed.selector.kind === 'sha256' && parsed.selector.prefix.length < minimumDigestPrefix) {
    throw new InvalidReferenceError(reference, `give at least ${minimumDigestPrefix} hex digits of the digest`);
  }
  return parsed;
}

function artifactOf(index: CatalogueIndex, parsed: ParsedReference, reference: string): ArtifactEntry {
  if (parsed.collection !== null) {
    if (!collectionPattern.test(parsed.collection)) throw new InvalidReferenceError(reference, `"${parsed.collection}" is not a collection name`);
    const entry = index.artifacts.get(artifactIdOf(parsed.collection, parsed.name));
    if (!entry?.claim) throw new UnknownArtifactError(`${parsed.collection}/${parsed.name}`);
    return entry;
  }
  const ids = [...(index.byName.get(parsed.name) ?? [])];
  const entries = ids.map((id) => index.artifacts.get(id)).filter((e): e is ArtifactEntry => e?.claim != null);
  if (entries.length === 0) throw new UnknownArtifactError(parsed.name);
  if (entries.length === 1) return entries[0] as ArtifactEntry;
  const live = entries.filter((e) => !index.artifactTombstone(e.id));
  if (live.length === 1) return live[0] as ArtifactEntry;
  throw new AmbiguousReferenceError(parsed.name, entries.map(describe).sort());
}

function headOf(index: CatalogueIndex, entry: ArtifactEntry, reference: string): VersionRecord {
  const head = index.head(entry);
  if (!head) throw new UnknownVersionError(reference, `Every version of ${describe(entry)} is deleted; restore one or name it by number.`);
  return head;
}

function describe(entry: ArtifactEntry): string {
  return entry.claim ? `${entry.claim.collection}/${entry.claim.name}` : entry.id;
}
