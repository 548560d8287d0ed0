/**
 * Which source the Library reads: the local copy once it has caught up with the engine (instant,
 * offline, every filter), the engine directly until then (a first visit). Views and stores ask this
 * module, so changing the rule is one change here.
 */
import { useReplicaStore } from '../state/replica-store';
import { engineSource } from './engine-source';
import type { CatalogueSource } from './library-query';
import { replicaIsComplete, replicaSource } from './replica-source';

export async function currentSource(): Promise<CatalogueSource> {
  if (useReplicaStore.getState().phase === 'ready') return replicaSource;
  return (await replicaIsComplete()) ? replicaSource : engineSource;
}

export type { ArtifactResults, CatalogueSource, Facets, LibraryQuery, SortKey } from './library-query';
export { replicaArtifact, replicaVersions } from './replica-source';
