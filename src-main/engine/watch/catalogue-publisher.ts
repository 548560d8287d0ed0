import path from 'node:path';
import { CairnError } from '../../../src-shared/errors';
import type { Vault } from '../vault/vault';
import type { WatchedFolder } from './config';
import type { PublishedVersion, PublishRequest, WatchPublisher } from './publisher';

/**
 * Artifact names cannot contain "/" (it separates collection and name in references), so a
 * file in a subfolder of a watched folder is named by its path with ":" between the parts:
 * `reports/2026/q3.pdf` becomes `reports:2026:q3.pdf`. Its real path is kept in metadata.
 */
export function artifactNameForPath(relativePath: string): string {
  return relativePath.split('/').join(':');
}

/**
 * The watcher's publisher over the vault and catalogue: a stable file or bundle becomes the
 * next version of its artifact (auto-publish folders send it through verification, validators
 * included); a deleted file tombstones its artifact; a moved file continues its history under
 * the new name, and both artifacts say where the other is.
 */
export class CataloguePublisher implements WatchPublisher {
  constructor(
    private readonly vault: Vault,
    private readonly folderOf: (folderId: string) => WatchedFolder,
  ) {}

  async publish(request: PublishRequest): Promise<PublishedVersion | null> {
    const folder = this.folderOf(request.folderId);
    const catalogue = this.vault.requireCatalogue();
    const result = await this.vault.addArtifact(
      {
        path: request.absolutePath,
        name: artifactNameForPath(request.artifactPath),
        collection: folder.collection,
        ...(request.type !== undefined ? { type: request.type } : {}),
        message: `changed in ${folder.path}`,
        tool: 'cairn watch',
      },
      {
        ...(request.bundleFiles ? { include: request.bundleFiles } : {}),
        ...(request.onProgress ? { onProgress: (p) => request.onProgress!(p.bytesDone, p.bytesTotal) } : {}),
      },
    );
    if (!result.created) return null;
    const version = result.version;
    if (request.artifactPath.includes('/')) {
      await catalogue.editMetadata(`${folder.collection}/${version.name}`, { metadata: { path: request.artifactPath } });
    }
    if (request.mode === 'auto-publish') {
      // Validators decide: a failing one blocks the version (recorded), which is not an error here.
      await catalogue.verify(version.id, { materialise: (id) => this.vault.materialise(id) });
    }
    return { versionId: version.id, sha256: version.sha256 };
  }

  async markDeleted(request: { folderId: string; artifactPath: string }): Promise<void> {
    const folder = this.folderOf(request.folderId);
    try {
      await this.vault.requireCatalogue().deleteArtifact(`${folder.collection}/${artifactNameForPath(request.artifactPath)}`, `deleted from ${folder.path}`);
    } catch (err) {
      // Never published (e.g. it was always ignored or too large): nothing to tombstone.
      if (err instanceof CairnError && err.code === 'NOT_FOUND') return;
      throw err;
    }
  }

  async rename(request: { folderId: string; from: string; to: string }): Promise<void> {
    const folder = this.folderOf(request.folderId);
    const catalogue = this.vault.requireCatalogue();
    const fromName = `${folder.collection}/${artifactNameForPath(request.from)}`;
    const toName = artifactNameForPath(request.to);
    // Same content, new name: no bytes are stored again (every chunk is known); the tree differs
    // only in the file name.
    const absolute = path.join(folder.path, ...request.to.split('/'));
    const result = await this.vault.addArtifact({ path: absolute, name: toName, collection: folder.collection, message: `moved from ${request.from}`, tool: 'cairn watch' });
    const previous = catalogue.getArtifact(fromName);
    await catalogue.editMetadata(fromName, { metadata: { movedTo: request.to } });
    await catalogue.editMetadata(`${folder.collection}/${toName}`, { metadata: { movedFrom: request.from, ...(request.to.includes('/') ? { path: request.to } : {}) } });
    if (previous.headVersionId) await catalogue.link(result.version.id, 'supersedes', previous.headVersionId);
    await catalogue.recordEvent('renamed', { artifactId: result.version.artifactId, versionId: result.version.id }, { from: request.from, to: request.to, previousArtifactId: previous.id });
  }
}
