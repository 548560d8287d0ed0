import crypto from 'node:crypto';
import pLimit from 'p-limit';
import { z } from 'zod';
import { ObjectNotFoundError, type Backend } from '../backends/backend';
import type { Catalogue } from '../catalogue/catalogue';
import type { Logger } from '../logger';
import { packIdFromKey, packKey } from '../repo/blob';
import { decodeIndexSegment, parseIndexKey } from '../repo/index-format';
import type { Repository } from '../repo/repository';
import { gcProposalKey, gcProposalPrefix, recordOwner } from './bucket-layout';
import { SyncRecordRefusedError } from './errors';
import type { Presence } from './presence';
import type { SyncSettings } from './settings';
import { decodeRecord, encodeRecord, type RecordKeys } from './signed-record';
import type { SyncStateFile } from './sync-state';
import { reachableBlobs, treeSets } from './tree-liveness';

/**
 * Garbage collection of packs in the shared bucket, without locks (DESIGN.md 4, 5). A pack goes
 * only when no blob in it is reachable from a version any device still needs, and only after
 * every device has seen the tombstones that freed it:
 *
 * 1. Propose: a device computes the packs whose every blob is unreachable from its live versions
 *    (deleted ones stay live for the grace period), and publishes them in `sync/gc/<id>` with
 *    its cursor vector (what it had read from every device when it decided). It stops storing
 *    new data into those packs at once.
 * 2. Answer: every other device, once its own cursors have passed that vector (it has seen the
 *    freeing tombstones) and it holds no change set for approval, stops storing new data into
 *    the packs too, and answers in its presence record with its own last uploaded seq and the
 *    proposed-dead trees that are live for it (a deletion it rejected, a restore).
 * 3. Delete: after the grace period, once every device that is not offline too long has
 *    answered and the proposer has read each one's manifest through the answer (so versions
 *    made before the answer count), the proposer walks the live trees again and deletes the
 *    proposed packs that are still dead. From the answers on, no device writes new references
 *    into them, so nothing can come alive behind its back.
 *
 * Packs that are only partly dead stay (rewriting them in the bucket is not done here).
 */
export const gcRecordSchema = z.object({
  format: z.literal(1),
  deviceId: z.string(),
  proposal: z
    .object({
      proposalId: z.string(),
      at: z.number(),
      vector: z.record(z.string(), z.number().int()),
      packs: z.array(z.string()),
      deadTrees: z.array(z.string()),
    })
    .nullable(),
  /** Packs this device deleted from the bucket: nobody may store new data into them. */
  deleted: z.array(z.string()),
});
export type GcRecord = z.infer<typeof gcRecordSchema>;

export interface PackGcDeps {
  repo: Repository;
  catalogue: Catalogue;
  /** The local repository folder (no read-through). */
  local: Backend;
  bucket: Backend;
  state: SyncStateFile;
  recordKeys: RecordKeys;
  selfId: string;
  settings: SyncSettings;
  log?: Logger;
}

export interface GcProposalView {
  proposalId: string;
  packs: number;
  at: number;
}

export interface GcFinishReport {
  proposalId: string;
  packsDeleted: number;
  bytesFreed: number;
  packsKept: number;
}

export class PackGc {
  private records = new Map<string, GcRecord>();
  private readonly cache = new Map<string, { stamp: string; record: GcRecord }>();
  private deletedByMe: string[] = [];

  constructor(private readonly deps: PackGcDeps) {}

  /** Reads every device's GC record (a few small objects). */
  async refresh(): Promise<SyncRecordRefusedError[]> {
    const refused: SyncRecordRefusedError[] = [];
    const records = new Map<string, GcRecord>();
    for await (const info of this.deps.bucket.list(gcProposalPrefix)) {
      const owner = recordOwner(gcProposalPrefix, info.key);
      if (!owner) continue;
      // Unchanged since the last read (same size and time): not downloaded again.
      const stamp = `${info.size}:${info.modified.getTime()}`;
      const cached = this.cache.get(info.key);
      if (cached?.stamp === stamp) {
        records.set(owner, cached.record);
        continue;
      }
      try {
        const record = decodeRecord(info.key, await this.deps.bucket.get(info.key), gcRecordSchema, this.deps.recordKeys);
        if (record.deviceId !== owner) throw new SyncRecordRefusedError(info.key, `it names device ${record.deviceId}`);
        records.set(owner, record);
        this.cache.set(info.key, { stamp, record });
      } catch (err) {
        if (err instanceof SyncRecordRefusedError) refused.push(err);
        else if (!(err instanceof ObjectNotFoundError)) throw err;
      }
    }
    this.records = records;
    this.deletedByMe = records.get(this.deps.selfId)?.deleted ?? this.deletedByMe;
    // Packs proposed or deleted anywhere are never written into again here.
    const avoid = new Set(this.deps.state.data.gc.avoidedPacks);
    for (const record of records.values()) for (const packId of [...record.deleted, ...(record.proposal?.packs ?? [])]) avoid.add(packId);
    if (avoid.size !== this.deps.state.data.gc.avoidedPacks.length) {
      this.deps.state.data.gc.avoidedPacks = [...avoid];
      this.deps.repo.avoidDedupInto(avoid);
    }
    return refused;
  }

  /** True when another device's proposal waits for this device's answer. */
  hasUnanswered(): boolean {
    for (const [proposer, record] of this.records) {
      if (proposer !== this.deps.selfId && record.proposal && this.deps.state.data.gc.acks[proposer]?.proposalId !== record.proposal.proposalId) return true;
    }
    return false;
  }

  /** The proposals of other devices, for status. */
  openProposals(): Array<GcProposalView & { proposer: string }> {
    const views: Array<GcProposalView & { proposer: string }> = [];
    for (const [proposer, record] of this.records) if (record.proposal) views.push({ proposer, proposalId: record.proposal.proposalId, packs: record.proposal.packs.length, at: record.proposal.at });
    return views;
  }

  /**
   * Step 1: proposes the packs that are dead for this device. `vector` is this device's cursors
   * (with its own uploaded seq). Returns null when nothing is dead or a proposal is open.
   */
  async propose(vector: Record<string, number>): Promise<GcProposalView | null> {
    const { state, settings } = this.deps;
    const open = state.data.gc.proposal;
    if (open) return { proposalId: open.proposalId, packs: open.packs.length, at: open.at };
    const now = settings.now();
    const trees = treeSets(this.deps.catalogue, { graceMs: settings.deletionGraceMs, now });
    const live = await reachableBlobs(this.deps.repo, this.deps.local, this.deps.bucket, trees.live, settings.concurrency);
    const dead = await this.deadPacks(live, null);
    if (dead.length === 0) return null;
    const proposal = { proposalId: crypto.randomBytes(8).toString('hex'), at: now, vector, packs: dead, deadTrees: [...trees.dead] };
    state.data.gc.proposal = proposal;
    this.avoid(dead);
    await this.writeRecord();
    this.deps.log?.info(`proposed deleting ${dead.length} unreferenced pack(s) from the sync bucket (proposal ${proposal.proposalId}); they go once every device has answered and the grace period is over`, 'sync');
    return { proposalId: proposal.proposalId, packs: dead.length, at: now };
  }

  /**
   * Step 2: answers other devices' proposals this device is ready to judge. `cursors` is what
   * this device has read from each writer; `ownSeq` its own last uploaded seq, which must cover
   * every write that could have relied on the proposed packs: the caller refreshed (so stopped
   * deduplicating into them), waited for writes in flight, then uploaded, before answering.
   */
  answer(cursors: Readonly<Record<string, number>>, ownSeq: number, holdsPending: boolean): number {
    const { state, settings, selfId } = this.deps;
    let answered = 0;
    for (const [proposer, record] of this.records) {
      const proposal = record.proposal;
      if (proposer === selfId || !proposal) continue;
      if (state.data.gc.acks[proposer]?.proposalId === proposal.proposalId) continue;
      if (holdsPending) continue; // its verdict could change with the held changes
      const caughtUp = Object.entries(proposal.vector).every(([writer, seq]) => writer === selfId || (state.data.cursors[writer] ?? 0) >= seq);
      if (!caughtUp) continue;
      this.avoid(proposal.packs);
      const trees = treeSets(this.deps.catalogue, { graceMs: settings.deletionGraceMs, now: settings.now() });
      const keptTrees = proposal.deadTrees.filter((treeId) => trees.live.has(treeId));
      state.data.gc.acks[proposer] = { proposalId: proposal.proposalId, ownSeq, keptTrees };
      answered += 1;
    }
    // Answers to proposals that are gone are dropped, so presence records stay small.
    for (const proposer of Object.keys(state.data.gc.acks)) {
      const current = this.records.get(proposer)?.proposal?.proposalId;
      if (current !== state.data.gc.acks[proposer]?.proposalId) delete state.data.gc.acks[proposer];
    }
    return answered;
  }

  /**
   * Step 3: deletes what is still dead once everyone in `waitedFor` has answered, this device has
   * read each one's manifest through its answer, and the grace period is over. Null when not
   * ready (or nothing is proposed).
   */
  async finish(presences: ReadonlyMap<string, Presence>, waitedFor: readonly string[], holdsPending: boolean): Promise<GcFinishReport | null> {
    const { state, settings, selfId } = this.deps;
    const proposal = state.data.gc.proposal;
    if (!proposal || holdsPending) return null;
    const now = settings.now();
    if (now < proposal.at + settings.deletionGraceMs) return null;
    const keptTrees = new Set<string>();
    for (const device of waitedFor) {
      if (device === selfId) continue;
      const ack = presences.get(device)?.gcAcks[selfId];
      if (!ack || ack.proposalId !== proposal.proposalId) return null;
      if ((state.data.cursors[device] ?? 0) < ack.ownSeq) return null;
      for (const treeId of ack.keptTrees) keptTrees.add(treeId);
    }
    const trees = treeSets(this.deps.catalogue, { graceMs: settings.deletionGraceMs, now });
    for (const treeId of keptTrees) trees.live.add(treeId);
    const live = await reachableBlobs(this.deps.repo, this.deps.local, this.deps.bucket, trees.live, settings.concurrency);
    const stillDead = await this.deadPacks(live, new Set(proposal.packs));
    let bytesFreed = 0;
    const limit = pLimit(settings.concurrency);
    await Promise.all(
      stillDead.map((packId) =>
        limit(async () => {
          const info = await this.deps.bucket.head(packKey(packId));
          await this.deps.bucket.delete(packKey(packId));
          bytesFreed += info?.size ?? 0;
        }),
      ),
    );
    this.deletedByMe = [...new Set([...this.deletedByMe, ...stillDead])];
    state.data.gc.proposal = null;
    await this.writeRecord();
    this.deps.log?.info(`deleted ${stillDead.length} unreferenced pack(s) from the sync bucket (proposal ${proposal.proposalId}); ${proposal.packs.length - stillDead.length} came alive again and stay`, 'sync');
    return { proposalId: proposal.proposalId, packsDeleted: stillDead.length, bytesFreed, packsKept: proposal.packs.length - stillDead.length };
  }

  /** Packs in the bucket (among `among`, when given) none of whose indexed blobs is live. */
  private async deadPacks(live: ReadonlySet<string>, among: ReadonlySet<string> | null): Promise<string[]> {
    const { bucket, repo } = this.deps;
    const inBucket = new Set<string>();
    for await (const info of bucket.list('packs/')) {
      const packId = packIdFromKey(info.key);
      if (packId && (!among || among.has(packId))) inBucket.add(packId);
    }
    // Every device's index: a blob stored twice (two devices at once) is in two packs, and both
    // must be judged by their own content.
    const blobsByPack = new Map<string, string[]>();
    for await (const info of bucket.list('index/')) {
      if (!parseIndexKey(info.key)) continue;
      let entries;
      try {
        entries = decodeIndexSegment(info.key, await bucket.get(info.key), repo.cipher);
      } catch {
        return []; // an unreadable index hides what a pack holds: delete nothing
      }
      for (const [packId, blobs] of entries) {
        if (!inBucket.has(packId)) continue;
        const list = blobsByPack.get(packId) ?? [];
        for (const blob of blobs) list.push(blob.id);
        blobsByPack.set(packId, list);
      }
    }
    // Packs no index names yet are uploads in progress (packs go before their index): kept.
    return [...blobsByPack].filter(([, blobs]) => blobs.every((id) => !live.has(id))).map(([packId]) => packId);
  }

  private avoid(packIds: readonly string[]): void {
    const avoided = new Set(this.deps.state.data.gc.avoidedPacks);
    for (const packId of packIds) avoided.add(packId);
    this.deps.state.data.gc.avoidedPacks = [...avoided];
    this.deps.repo.avoidDedupInto(packIds);
  }

  private async writeRecord(): Promise<void> {
    const key = gcProposalKey(this.deps.selfId);
    const proposal = this.deps.state.data.gc.proposal;
    const record: GcRecord = { format: 1, deviceId: this.deps.selfId, proposal, deleted: this.deletedByMe };
    await this.deps.bucket.put(key, encodeRecord(key, record, this.deps.recordKeys));
    this.records.set(this.deps.selfId, record);
  }
}
