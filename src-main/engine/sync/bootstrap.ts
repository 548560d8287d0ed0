import type { Backend } from '../backends/backend';
import { configKey, readConfig } from '../repo/config';
import { Repository } from '../repo/repository';
import type { Vault } from '../vault/vault';
import { EmptySyncBucketError, LocalRepositoryExistsError } from './errors';

/**
 * A new device joins a repository through its sync bucket: the bucket's config and key files
 * become the local repository's (same repository id and keys; the passphrase unlocks them as
 * everywhere), and the device gets a fresh id of its own. The catalogue and index arrive with
 * the first sync round (snapshot first, then newer updates); bytes follow lazily.
 *
 * If the repository cannot be opened (a wrong passphrase), the copied config and keys are
 * removed again, so the folder is as empty as before and the command can simply be retried.
 */
export async function bootstrapFromBucket(vault: Vault, bucket: Backend, endpointName: string, location: string): Promise<void> {
  const local = vault.readThrough.local;
  if (await Repository.hasConfig(local)) throw new LocalRepositoryExistsError(location);
  if (!(await readConfig(bucket))) throw new EmptySyncBucketError(endpointName);
  const keyFiles: string[] = [];
  for await (const info of bucket.list('keys/')) keyFiles.push(info.key);
  for (const key of keyFiles) await local.put(key, await bucket.get(key));
  // The config last: a folder without it holds no repository yet (as in Repository.init).
  await local.put(configKey, await bucket.get(configKey));
  try {
    await vault.openIfExists();
  } catch (err) {
    await local.delete(configKey);
    for (const key of keyFiles) await local.delete(key);
    throw err;
  }
}
