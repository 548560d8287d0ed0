import type { z } from 'zod';
import type { CommandSpec } from '../../../src-shared/contract/define';
import type { catalogueCommands } from '../../../src-shared/contract/catalogue';
import type { CallContext } from '../api/handlers';
import type { VersionContent } from '../content/version-content';
import { CairnError } from '../../../src-shared/errors';
import { applyRetention, previewRetention } from '../policy/retention';
import type { Catalogue } from './catalogue';

/**
 * The handlers of the contract's catalogue commands (src-shared/contract/catalogue.ts).
 *
 * Typed against the catalogue's own contract module so it compiles before the module is joined
 * into src-shared/contract.ts; once it is, this type equals
 * `AreaHandlers<keyof typeof catalogueCommands>` (api/handlers.ts) and the engine spreads it in.
 */
type ContractHandlers<Commands extends Record<string, CommandSpec>> = {
  [C in keyof Commands]: (input: z.output<Commands[C]['input']>, ctx: CallContext) => Promise<z.output<Commands[C]['output']>>;
};
export type CatalogueHandlers = ContractHandlers<typeof catalogueCommands>;

export interface CatalogueHandlerOptions {
  /** Puts a version's content on disk for command validators (the restore area provides it). */
  materialise?: (versionId: string, signal?: AbortSignal) => Promise<string>;
  /** Reads version content for catalogue.content and catalogue.compare (the vault provides it). */
  content?: () => VersionContent;
  /** Clock for retention; Date.now by default. */
  now?: () => number;
}

export function catalogueHandlers(catalogue: Catalogue, options: CatalogueHandlerOptions = {}): CatalogueHandlers {
  const now = options.now ?? Date.now;
  const content = () => {
    if (!options.content) throw new CairnError('UNAVAILABLE', 'Version content cannot be read here: this catalogue has no repository bytes attached.');
    return options.content();
  };
  return {
    'catalogue.artifacts.list': async (input) => catalogue.listArtifacts(input),
    'catalogue.artifacts.get': async ({ artifact }) => catalogue.getArtifact(artifact),
    'catalogue.artifacts.delete': async ({ artifact, reason }) => catalogue.deleteArtifact(artifact, reason),
    'catalogue.artifacts.restore': async ({ artifact }) => catalogue.restoreArtifact(artifact),
    'catalogue.versions.list': async ({ artifact, includeDeleted }) => catalogue.listVersions(artifact, { includeDeleted }),
    'catalogue.versions.get': async ({ version }) => catalogue.versionDetail(version),
    'catalogue.versions.restore': async ({ versions }) => ({ versions: await catalogue.restoreVersions(versions) }),
    'catalogue.status.set': async ({ version, status, reason }) => catalogue.setStatus(version, status, reason),
    'catalogue.verify': async ({ version }, ctx) => {
      const materialise = options.materialise;
      return catalogue.verify(version, {
        materialise: materialise && ((versionId: string) => materialise(versionId, ctx.signal)),
        signal: ctx.signal,
      });
    },
    'catalogue.tags.edit': async ({ artifact, add, remove }) => catalogue.tag(artifact, { add, remove }),
    'catalogue.metadata.edit': async ({ artifact, ...edit }) => catalogue.editMetadata(artifact, edit),
    'catalogue.link': async ({ from, kind, to, remove }) => ({ outgoingLinks: await catalogue.link(from, kind, to, { remove }) }),
    'catalogue.rollback': async ({ artifact, version }) => catalogue.rollback(artifact, version),
    'catalogue.forget.preview': async ({ policies }) => ({ items: previewRetention(catalogue, policies, now()) }),
    'catalogue.forget.apply': async ({ policies }) => ({ items: await applyRetention(catalogue, policies, now()) }),
    'catalogue.content': async (input) => content().read(input),
    'catalogue.compare': async (input) => content().compare(input),
    'catalogue.events.list': async (input) => catalogue.listEvents(input),
  };
}
