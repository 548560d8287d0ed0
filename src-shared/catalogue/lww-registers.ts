import { isNewerStamp, type Stamp } from './records';

/**
 * Materialised last-writer-wins registers: for each subject, every device's current candidate
 * and the winner (greatest stamp). The winner depends only on the set of candidates, never on
 * the order they arrived in. Few devices write about any one subject, so recomputing a winner
 * scans a handful of entries.
 */
export class LwwRegisters<C extends Stamp> {
  private readonly candidates = new Map<string, Map<string, C>>();
  private readonly winners = new Map<string, C>();

  /** Sets `device`'s candidate for `subject` (null removes it); true when the winner changed. */
  set(subject: string, device: string, candidate: C | null): boolean {
    let bySubject = this.candidates.get(subject);
    if (candidate === null) {
      if (!bySubject?.delete(device)) return false;
    } else {
      if (!bySubject) this.candidates.set(subject, (bySubject = new Map()));
      bySubject.set(device, candidate);
    }
    const before = this.winners.get(subject);
    let winner: C | undefined;
    for (const c of bySubject?.values() ?? []) if (!winner || isNewerStamp(c, winner)) winner = c;
    if (winner) this.winners.set(subject, winner);
    else {
      this.winners.delete(subject);
      this.candidates.delete(subject);
    }
    return before !== winner;
  }

  winner(subject: string): C | undefined {
    return this.winners.get(subject);
  }

  /** The earliest `at` that beats the current winner (0 when there is none). */
  earliestWinningAt(subject: string): number {
    const current = this.winners.get(subject);
    return current ? current.at + 1 : 0;
  }

  allWinners(): IterableIterator<[string, C]> {
    return this.winners.entries();
  }
}
