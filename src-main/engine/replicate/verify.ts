import crypto from 'node:crypto';
import type { Backend } from '../backends/backend';
import { ObjectNotFoundError } from '../backends/backend';
import { packIdFromKey } from '../repo/blob';
import type { AffectedVersion } from './affected-versions';
import { isRepositoryObject } from './object-order';

export interface VerifyOptions {
  /** Share of packs to download and check, 0 < sample <= 1 (other objects are always checked). */
  sample?: number;
  /** Where to take good copies from, in order (the local repository first, then other endpoints). */
  repairFrom?: Backend[];
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Seeded choice of sampled packs, for reproducible runs. */
  random?: () => number;
  /** Told the outcome for each object the endpoint holds after the run (inventories record it). */
  onChecked?: (check: ObjectCheck) => void;
  /** Names the versions each bad object affects (see findAffectedVersions). */
  affectedVersions?: (keys: string[]) => Promise<Map<string, AffectedVersion[]>>;
}

/**
 * One object's outcome: `verified` when its bytes were downloaded and found good (or were
 * repaired with a good copy), `present` when only its presence and size were checked (not
 * sampled), `missing` when the endpoint still lacks a good copy.
 */
export interface ObjectCheck {
  key: string;
  size: number;
  outcome: 'verified' | 'present' | 'missing';
}

export interface VerifyProblem {
  key: string;
  kind: 'missing' | 'damaged';
  /** Where a good copy came from, when it was repaired. */
  repairedFrom: string | null;
  message: string;
  /** The catalogue versions whose content depends on this object. */
  affects: AffectedVersion[];
}

export interface VerifyReport {
  objectsChecked: number;
  packsChecked: number;
  packsTotal: number;
  bytesRead: number;
  problems: VerifyProblem[];
  ok: boolean;
}

/**
 * Scrubs an endpoint against the repository it backs up: every object the reference (local)
 * repository has must be on the endpoint; sampled packs are downloaded and must hash to their
 * names; small objects must equal the reference byte for byte. A bad or missing object is
 * repaired from the first source that has a good copy, and reported either way.
 */
export async function verifyEndpoint(reference: Backend, endpoint: Backend, options: VerifyOptions = {}): Promise<VerifyReport> {
  const sample = Math.min(Math.max(options.sample ?? 1, 0), 1);
  const random = options.random ?? Math.random;
  const onEndpoint = new Map<string, number>();
  for await (const object of endpoint.list('')) onEndpoint.set(object.key, object.size);
  const expected: Array<{ key: string; size: number }> = [];
  for await (const object of reference.list('')) if (isRepositoryObject(object.key)) expected.push({ key: object.key, size: object.size });

  const problems: VerifyProblem[] = [];
  let bytesRead = 0;
  let packsChecked = 0;
  let checked = 0;
  const packsTotal = expected.filter((o) => packIdFromKey(o.key)).length;
  const sources = options.repairFrom ?? [reference];

  const report = (key: string, size: number, outcome: ObjectCheck['outcome']) => options.onChecked?.({ key, size, outcome });

  const repair = async (key: string, kind: VerifyProblem['kind'], message: string) => {
    for (const source of sources) {
      // A source that lacks the object, or cannot be reached, is skipped: the next may have it.
      const body = await source.get(key).catch(() => null);
      if (body === null || !isGoodCopy(key, body)) continue;
      await endpoint.put(key, body);
      problems.push({ key, kind, repairedFrom: source.name, message, affects: [] });
      report(key, body.length, 'verified');
      return;
    }
    problems.push({ key, kind, repairedFrom: null, message: `${message} No good copy was found to repair it from.`, affects: [] });
    report(key, 0, 'missing');
  };

  for (const object of expected) {
    options.onProgress?.(checked, expected.length);
    checked++;
    const size = onEndpoint.get(object.key);
    if (size === undefined) {
      await repair(object.key, 'missing', `${object.key} is missing from ${endpoint.name}.`);
      continue;
    }
    const isPack = packIdFromKey(object.key) !== null;
    if (isPack && random() >= sample && size === object.size) {
      report(object.key, size, 'present');
      continue;
    }
    const body = await endpoint.get(object.key).catch((err: unknown) => {
      if (err instanceof ObjectNotFoundError) return null;
      throw err;
    });
    if (body === null) {
      await repair(object.key, 'missing', `${object.key} is missing from ${endpoint.name}.`);
      continue;
    }
    bytesRead += body.length;
    if (isPack) packsChecked++;
    const good = isPack ? isGoodCopy(object.key, body) : body.equals(await reference.get(object.key));
    if (!good) await repair(object.key, 'damaged', `${object.key} on ${endpoint.name} is damaged (its bytes differ from what was stored).`);
    else report(object.key, body.length, 'verified');
  }
  options.onProgress?.(checked, expected.length);
  if (problems.length > 0 && options.affectedVersions) {
    const affected = await options.affectedVersions(problems.map((p) => p.key));
    for (const problem of problems) problem.affects = affected.get(problem.key) ?? [];
  }
  return {
    objectsChecked: checked,
    packsChecked,
    packsTotal,
    bytesRead,
    problems,
    // Repaired problems leave the endpoint good; they are still reported.
    ok: problems.every((p) => p.repairedFrom !== null),
  };
}

/** Packs are named by the SHA-256 of their bytes; other objects have no self-check. */
function isGoodCopy(key: string, body: Buffer): boolean {
  const packId = packIdFromKey(key);
  return packId === null || crypto.createHash('sha256').update(body).digest('hex') === packId;
}
