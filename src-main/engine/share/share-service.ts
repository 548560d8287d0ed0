import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EventView } from '../../../src-shared/catalogue/views';
import { CairnError } from '../../../src-shared/errors';
import type { Backend } from '../backends/backend';
import type { EndpointConfig, EndpointStore } from '../endpoints/config';
import { loadTree } from '../restore/restorer';
import { VersionNotServableError, type Vault } from '../vault/vault';
import { exportKey, maxShareSeconds } from './export-key';
import { presignedGetUrl, s3Location } from './presign';

export interface ShareRequest {
  /** A version reference (`NAME@vN`, …): it must be published and a single file. */
  version: string;
  /** File name people see; default the version's own file name. */
  name?: string;
  /** How long the link works, at most 7 days. */
  expiresInSeconds: number;
  /** Which endpoint holds the export; may be left out when only one is configured. */
  endpoint?: string;
}

export interface CreatedShare {
  url: string;
  s3Uri: string;
  expiresAt: string;
  endpoint: string;
  key: string;
  /** `collection/name@vN`. */
  version: string;
}

export interface ShareLinkView {
  version: string;
  versionId: string;
  endpoint: string;
  key: string;
  s3Uri: string;
  name: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  revokedAt: string | null;
  state: 'active' | 'expired' | 'revoked';
}

export interface ShareServiceDeps {
  vault: Vault;
  endpoints: EndpointStore;
  backendFor: (endpoint: EndpointConfig) => Backend;
  now?: () => number;
}

/** Files up to this size are uploaded from memory (so a failed upload is retried). */
const bufferedUploadMaxBytes = 64 * 1024 * 1024;

/**
 * Share links: a published single-file version exported as a plain (unencrypted) object
 * `exports/<sha256>/<name>` on an S3 endpoint, with a presigned GET URL anyone can open until
 * it expires. Each link is recorded in the catalogue's audit log (who, when, until when; never
 * the URL itself, which is a bearer credential). Revoking deletes the export object, the only
 * way to stop a presigned URL before it expires.
 */
export class ShareService {
  private readonly now: () => number;

  constructor(private readonly deps: ShareServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async create(request: ShareRequest, who: string): Promise<CreatedShare> {
    if (!(request.expiresInSeconds > 0 && request.expiresInSeconds <= maxShareSeconds)) {
      throw new CairnError('INVALID_INPUT', `A share link lasts from 1 second to 7 days (${maxShareSeconds} s), not ${request.expiresInSeconds} s.`, {
        hint: 'Pass a shorter --expires, e.g. 24h or 7d.',
      });
    }
    const catalogue = this.deps.vault.requireCatalogue();
    const repo = this.deps.vault.requireRepository();
    const version = catalogue.getVersion(request.version);
    const label = `${version.collection}/${version.name}@v${version.number}`;
    if (version.status !== 'published' || version.deleted) throw new VersionNotServableError(label, version.deleted ? 'deleted' : version.status);
    const tree = await loadTree(repo, version.treeId);
    const file = tree.entries.find((e) => e.type === 'file');
    if (tree.root !== 'file' || !file || tree.entries.length !== 1) {
      throw new CairnError('INVALID_INPUT', `${label} is a folder of ${tree.entries.length} entries; share links are for single-file versions.`, {
        hint: 'Share one file of it by adding that file as its own artifact, or restore the folder and send it another way.',
      });
    }
    const endpoint = await this.pickEndpoint(request.endpoint);
    const name = request.name ?? path.posix.basename(file.path);
    const key = exportKey(version.sha256, name);
    const backend = this.deps.backendFor(endpoint);
    try {
      const existing = await backend.head(key);
      if (existing?.size !== file.size) await this.upload(version.treeId, backend, key);
    } finally {
      await backend.close?.();
    }
    const url = await presignedGetUrl(endpoint, key, request.expiresInSeconds, name);
    const expiresAt = new Date(this.now() + request.expiresInSeconds * 1000).toISOString();
    const { s3Uri } = s3Location(endpoint, key);
    await catalogue.recordEvent('shared', { artifactId: version.artifactId, versionId: version.id }, { endpoint: endpoint.name, key, s3Uri, name, expiresAt, by: who });
    return { url, s3Uri, expiresAt, endpoint: endpoint.name, key, version: label };
  }

  /** Deletes the export objects of a version's links (on one endpoint, or all) and records it. */
  async revoke(request: { version: string; endpoint?: string }, who: string): Promise<{ revoked: ShareLinkView[] }> {
    const catalogue = this.deps.vault.requireCatalogue();
    const version = catalogue.getVersion(request.version);
    const links = this.list({ version: version.id }).filter((l) => l.state !== 'revoked' && (request.endpoint === undefined || l.endpoint === request.endpoint));
    if (links.length === 0) {
      throw new CairnError('NOT_FOUND', `${version.collection}/${version.name}@v${version.number} has no share link${request.endpoint ? ` on ${request.endpoint}` : ''} to revoke.`, {
        hint: 'List the links with `cairn share --list`.',
      });
    }
    const done = new Set<string>();
    for (const link of links) {
      const id = `${link.endpoint}\n${link.key}`;
      if (done.has(id)) continue;
      done.add(id);
      const backend = this.deps.backendFor(await this.deps.endpoints.get(link.endpoint));
      try {
        await backend.delete(link.key);
      } finally {
        await backend.close?.();
      }
      await catalogue.recordEvent('share_revoked', { artifactId: version.artifactId, versionId: version.id }, { endpoint: link.endpoint, key: link.key, by: who });
    }
    return { revoked: this.list({ version: version.id }).filter((l) => done.has(`${l.endpoint}\n${l.key}`)) };
  }

  /** Share links from the audit log, newest first; `version` is a reference or id. */
  list(query: { version?: string } = {}): ShareLinkView[] {
    const catalogue = this.deps.vault.requireCatalogue();
    const events: EventView[] = [];
    let cursor: string | undefined;
    do {
      const page = catalogue.listEvents({ kinds: ['shared', 'share_revoked'], limit: 500, ...(query.version ? { version: query.version } : {}), ...(cursor ? { cursor } : {}) });
      events.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    // Oldest first, so a revocation applies to the links made before it.
    events.sort((a, b) => a.at - b.at);
    const links: ShareLinkView[] = [];
    for (const event of events) {
      const d = event.details as Record<string, unknown>;
      const endpoint = String(d.endpoint ?? '');
      const key = String(d.key ?? '');
      if (event.kind === 'share_revoked') {
        for (const link of links) if (link.endpoint === endpoint && link.key === key && link.revokedAt === null) link.revokedAt = new Date(event.at).toISOString();
        continue;
      }
      if (!event.versionId) continue;
      let reference = event.versionId;
      try {
        const v = catalogue.getVersion(event.versionId);
        reference = `${v.collection}/${v.name}@v${v.number}`;
      } catch {
        // A version this device no longer knows: show its id.
      }
      links.push({
        version: reference,
        versionId: event.versionId,
        endpoint,
        key,
        s3Uri: String(d.s3Uri ?? ''),
        name: String(d.name ?? ''),
        createdAt: new Date(event.at).toISOString(),
        createdBy: String(d.by ?? event.device),
        expiresAt: String(d.expiresAt ?? ''),
        revokedAt: null,
        state: 'active',
      });
    }
    const now = this.now();
    for (const link of links) link.state = link.revokedAt !== null ? 'revoked' : Date.parse(link.expiresAt) <= now ? 'expired' : 'active';
    return links.reverse();
  }

  private async pickEndpoint(name: string | undefined): Promise<EndpointConfig> {
    if (name !== undefined) return this.deps.endpoints.get(name);
    const all = await this.deps.endpoints.list();
    if (all.length === 1) return all[0]!;
    throw new CairnError('INVALID_INPUT', all.length === 0 ? 'There is no endpoint to put the shared file on.' : `Say which endpoint holds the shared file: ${all.map((e) => e.name).join(', ')}.`, {
      hint: all.length === 0 ? 'Add an S3 endpoint with `cairn endpoint add`.' : 'Pass --endpoint NAME.',
    });
  }

  /** Restores the version's file into a private temporary folder and uploads it in plain. */
  private async upload(treeId: string, backend: Backend, key: string): Promise<void> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cairn-share-'));
    try {
      await this.deps.vault.restore(treeId, dir);
      const [entry] = await fs.readdir(dir);
      const file = path.join(dir, entry!);
      const { size } = await fs.stat(file);
      if (size <= bufferedUploadMaxBytes) await backend.put(key, await fs.readFile(file));
      else await backend.put(key, createReadStream(file), { contentLength: size });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
}
