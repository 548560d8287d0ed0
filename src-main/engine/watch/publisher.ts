/**
 * What the folder watcher asks of the rest of the engine. The watcher decides *when* something
 * on disk is worth recording (stable, not ignored, really changed, not our own write-back); the
 * publisher decides *how* (ingest, catalogue records, lifecycle). The lead wires a real one to
 * the catalogue; tests use an in-memory fake.
 */

export type ArtifactKind = 'file' | 'bundle';
export type PublishMode = 'auto-publish' | 'draft';

export interface PublishRequest {
  folderId: string;
  /** Relative to the watched folder, '/'-separated; a bundle's path is its top-level folder name. */
  artifactPath: string;
  absolutePath: string;
  kind: ArtifactKind;
  /** From the folder's type rules (first match wins); undefined when none matched. */
  type: string | undefined;
  mode: PublishMode;
  /**
   * For a bundle: its files, relative to the bundle folder and '/'-separated, with the ignore
   * rules applied (no .DS_Store, swap files, partial downloads). Ingest exactly these; the
   * publisher does not know the folder's ignore rules. Undefined for a single file.
   */
  bundleFiles?: readonly string[];
  /** Optional: the publisher may report bytes read so far; the watcher forwards it as `ingesting`. */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

export interface PublishedVersion {
  versionId: string;
  /** Plain SHA-256 of the file (or of the canonical tree for a bundle), hex. */
  sha256: string;
}

export interface WatchPublisher {
  /**
   * Ingest one artifact (a file, or a bundle folder) and record a version; returns the version's
   * content digest and id, or null when identical content made no new version.
   */
  publish(request: PublishRequest): Promise<PublishedVersion | null>;
  /** The file disappeared: tombstone the artifact (history kept). */
  markDeleted(request: { folderId: string; artifactPath: string }): Promise<void>;
  /** A rename/move detected by content digest: history follows the file. */
  rename(request: { folderId: string; from: string; to: string }): Promise<void>;
}
