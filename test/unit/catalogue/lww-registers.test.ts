import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LwwRegisters } from '../../../src-shared/catalogue/lww-registers';

interface Candidate {
  at: number;
  device: string;
  value: string;
}

describe('LwwRegisters', () => {
  it('picks the greatest (at, device), whatever order candidates arrive in', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat({ max: 5 }), device: fc.constantFrom('a', 'b', 'c'), value: fc.string({ maxLength: 3 }) }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        (writes, keys) => {
          // Each device's last write is its current candidate (a device overwrites its own key).
          const latest = new Map<string, Candidate>();
          for (const w of writes) latest.set(w.device, w);
          const registers = new LwwRegisters<Candidate>();
          const order = [...latest.values()].map((c, i) => ({ c, k: keys[i] ?? 0 })).sort((x, y) => x.k - y.k);
          for (const { c } of order) registers.set('s', c.device, c);
          const expected = [...latest.values()].sort((x, y) => x.at - y.at || (x.device < y.device ? -1 : 1)).at(-1);
          expect(registers.winner('s')).toBe(expected);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('breaks a tie in time by device id, and says when the winner changes', () => {
    const registers = new LwwRegisters<Candidate>();
    expect(registers.set('s', 'b', { at: 10, device: 'b', value: 'from b' })).toBe(true);
    expect(registers.set('s', 'a', { at: 10, device: 'a', value: 'from a' })).toBe(false);
    expect(registers.winner('s')?.value).toBe('from b');
    expect(registers.earliestWinningAt('s')).toBe(11);
    expect(registers.set('s', 'b', null)).toBe(true);
    expect(registers.winner('s')?.value).toBe('from a');
  });
});
