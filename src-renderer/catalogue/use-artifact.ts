import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { describeError } from '../api/errors';
import type { ArtifactRow, VersionRow } from '../db/schema';
import { useReplicaStore } from '../state/replica-store';
import { replicaArtifact, replicaVersions } from './catalogue-source';
import { artifactRowOf } from './engine-source';

export type ArtifactData =
  | { state: 'loading' }
  | { state: 'found'; artifact: ArtifactRow; versions: VersionRow[]; from: 'local copy' | 'engine' }
  | { state: 'missing'; error: string | null };

/**
 * An artifact and its versions: live from the local copy, or from the engine while the copy
 * does not hold it yet (a first visit still copying the catalogue).
 */
export function useArtifact(artifactId: string): ArtifactData {
  const local = useLiveQuery(async () => ({ artifact: await replicaArtifact(artifactId), versions: await replicaVersions(artifactId) }), [artifactId]);
  const revision = useReplicaStore((s) => s.revision);
  const [remote, setRemote] = useState<ArtifactData>({ state: 'loading' });
  const needRemote = local !== undefined && local.artifact === undefined;

  useEffect(() => {
    if (!needRemote) return;
    let current = true;
    api['catalogue.versions.list']({ artifact: artifactId }).then(
      ({ artifact, versions }) => current && setRemote({ state: 'found', artifact: artifactRowOf(artifact), versions, from: 'engine' }),
      (err: unknown) => current && setRemote({ state: 'missing', error: describeError(err) }),
    );
    return () => {
      current = false;
    };
  }, [needRemote, artifactId, revision]);

  if (local === undefined) return { state: 'loading' };
  if (local.artifact) return { state: 'found', artifact: local.artifact, versions: local.versions, from: 'local copy' };
  return remote;
}
