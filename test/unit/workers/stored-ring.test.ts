import { describe, expect, it } from 'vitest';
import { StoredRing, storedRingView, type RingPlace } from '../../../src-main/engine/workers/stored-ring';

const release = (ring: StoredRing, places: RingPlace[]) => places.forEach((place) => storedRingView.release(ring.shared, place.seq));

describe('StoredRing', () => {
  it('hands out contiguous places in order and refuses what does not fit until released', () => {
    const ring = new StoredRing(100);
    const a = ring.reserve([30, 20])!;
    expect(a.map((p) => p.offset)).toEqual([0, 30]);
    const b = ring.reserve([40])!;
    expect(b[0]!.offset).toBe(50);
    expect(ring.reserve([20])).toBeNull();
    release(ring, a);
    // 10 bytes free at the end, 50 at the start: a 20-byte place wraps to the start.
    expect(ring.reserve([20])![0]!.offset).toBe(0);
  });

  it('reuses space only once everything before it is released (releases may come out of order)', () => {
    const ring = new StoredRing(100);
    const a = ring.reserve([50])!;
    const b = ring.reserve([50])!;
    release(ring, b);
    expect(ring.reserve([10])).toBeNull();
    release(ring, a);
    expect(ring.outstanding).toBe(0);
    expect(ring.reserve([100])![0]!.offset).toBe(0);
  });

  it('never lets two outstanding places overlap (randomised)', () => {
    const ring = new StoredRing(1000);
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const live: RingPlace[] = [];
    for (let step = 0; step < 5000; step++) {
      if (random() < 0.55) {
        const places = ring.reserve(Array.from({ length: 1 + Math.floor(random() * 3) }, () => 1 + Math.floor(random() * 200)));
        if (places) live.push(...places);
      } else if (live.length > 0) {
        const [place] = live.splice(Math.floor(random() * live.length), 1);
        release(ring, [place!]);
      }
      const sorted = [...live].sort((x, y) => x.offset - y.offset);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.offset).toBeGreaterThanOrEqual(sorted[i - 1]!.offset + sorted[i - 1]!.length);
      for (const place of live) expect(place.offset + place.length).toBeLessThanOrEqual(1000);
    }
  });

  it('wakes a waiting owner when the main thread releases', async () => {
    const ring = new StoredRing(10);
    const a = ring.reserve([10])!;
    expect(ring.reserve([1])).toBeNull();
    const woken = ring.released();
    setTimeout(() => release(ring, a), 5);
    await woken;
    expect(ring.reserve([10])).not.toBeNull();
  });

  it('refuses a request larger than the ring outright', () => {
    expect(() => new StoredRing(10).reserve([11])).toThrow(RangeError);
  });

  it('shows the main thread the bytes the sealer wrote', () => {
    const ring = new StoredRing(16);
    const [place] = ring.reserve([4])!;
    ring.data.set([1, 2, 3, 4], place!.offset);
    expect([...storedRingView.bytes(ring.shared, place!.offset, 4)]).toEqual([1, 2, 3, 4]);
  });
});
