import { catalogueCommands } from '../../../src-shared/contract/catalogue';
import { catalogueHandlers, type CatalogueHandlers } from '../catalogue/handlers';
import { VersionContent } from '../content/version-content';
import type { Vault } from '../vault/vault';

/**
 * The catalogue's handlers, answered by whichever catalogue the vault has open. The engine
 * can start before a repository exists (`repo.init` comes later), so each call looks the
 * catalogue up then; without one it fails with "no repository" like every other command.
 */
export function catalogueBridge(vault: Vault): CatalogueHandlers {
  const handlers: Record<string, unknown> = {};
  for (const name of Object.keys(catalogueCommands) as Array<keyof CatalogueHandlers>) {
    handlers[name] = (input: never, ctx: never) => {
      const catalogue = vault.requireCatalogue();
      const live = catalogueHandlers(catalogue, {
        materialise: (versionId) => vault.materialise(versionId),
        content: () => new VersionContent(vault.requireRepository(), catalogue),
      });
      return (live[name] as (input: never, ctx: never) => Promise<unknown>)(input, ctx);
    };
  }
  return handlers as CatalogueHandlers;
}
