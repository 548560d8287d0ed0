import { describe, expect, it } from 'vitest';
import { ManifestObjectRefusedError } from '../../../src-main/engine/manifest/errors';
import { decodeManifestObject, encodeManifestObject, packSnapshot, unpackSnapshot } from '../../../src-main/engine/manifest/object-format';
import { parseManifestKey, snapshotKey, updateKey } from '../../../src-main/engine/manifest/object-keys';
import { SeqRanges } from '../../../src-main/engine/manifest/seq-ranges';

const keys = { macKey: Buffer.alloc(32, 1), sealKey: null };
const sealed = { macKey: Buffer.alloc(32, 1), sealKey: Buffer.alloc(32, 2) };
const slot = { repoId: 'c'.repeat(32), kind: 'update' as const, slot: 'dev/1' };

describe('manifest object format', () => {
  it('round-trips, sealed and not, with the documented header', () => {
    const payload = Buffer.from('a yjs update');
    for (const k of [keys, sealed]) {
      const bytes = encodeManifestObject(payload, slot, k);
      expect(bytes.subarray(0, 4).toString()).toBe('CRNM');
      expect(bytes[4]).toBe(1);
      expect(bytes[5]).toBe(k.sealKey ? 1 : 0);
      expect(Buffer.from(decodeManifestObject(bytes, 'k', slot, k)).toString()).toBe('a yjs update');
    }
    const plainLength = encodeManifestObject(payload, slot, keys).length;
    expect(plainLength).toBe(8 + payload.length + 32);
    expect(encodeManifestObject(payload, slot, sealed).length).toBe(plainLength + 12 + 16);
  });

  it('binds the repository, the kind and the slot', () => {
    const bytes = encodeManifestObject(Buffer.from('x'), slot, keys);
    for (const other of [{ ...slot, repoId: 'd'.repeat(32) }, { ...slot, slot: 'dev/2' }, { ...slot, kind: 'snapshot' as const }]) {
      expect(() => decodeManifestObject(bytes, 'the/key', other, keys)).toThrow(ManifestObjectRefusedError);
    }
  });

  it('names the problem: magic, version, flags', () => {
    const bytes = encodeManifestObject(Buffer.from('x'), slot, keys);
    const bad = (mutate: (b: Buffer) => void) => {
      const copy = Buffer.from(bytes);
      mutate(copy);
      try {
        decodeManifestObject(copy, 'k', slot, keys);
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(bad((b) => b.write('XXXX', 0))).toMatch(/magic/);
    expect(bad((b) => (b[4] = 2))).toMatch(/format version 2/);
    expect(bad((b) => (b[5] = 0x80))).toMatch(/unknown flags/);
  });

  it('packs snapshots as coverage plus state', () => {
    const packed = packSnapshot('{"a":1}', new Uint8Array([9, 8]));
    expect(unpackSnapshot(packed)).toEqual({ coverageJson: '{"a":1}', state: Buffer.from([9, 8]) });
    expect(unpackSnapshot(packed.subarray(0, 5))).toBeNull();
  });
});

describe('manifest keys', () => {
  it('pads sequence numbers so listing order is numeric order, and parses back', () => {
    expect(updateKey('dev-1', 42)).toBe('manifest/dev-1/000000000042');
    expect(parseManifestKey('manifest/dev-1/000000000042')).toEqual({ kind: 'update', deviceId: 'dev-1', seq: 42 });
    expect(parseManifestKey(snapshotKey('dev-1.0123456789abcdef'))).toEqual({ kind: 'snapshot', snapshotId: 'dev-1.0123456789abcdef', writer: 'dev-1' });
    for (const key of ['manifest/dev-1/42', 'manifest/dev-1/000000000000', 'manifest/snapshots/x', 'packs/ab/cd', 'manifest/a/b/c']) expect(parseManifestKey(key)).toBeNull();
  });
});

describe('SeqRanges', () => {
  it('merges adjacent and overlapping ranges and answers membership', () => {
    const ranges = new SeqRanges();
    for (const seq of [5, 1, 2, 3, 9, 4, 11, 10]) ranges.add(seq);
    expect(ranges.toJSON()).toEqual([[1, 5], [9, 11]]);
    expect([0, 1, 5, 6, 8, 9, 11, 12].map((s) => ranges.has(s))).toEqual([false, true, true, false, false, true, true, false]);
    expect(ranges.max()).toBe(11);
    expect(ranges.covers(SeqRanges.from([[2, 4], [10, 10]]))).toBe(true);
    expect(ranges.covers(SeqRanges.from([[4, 9]]))).toBe(false);
    ranges.addRange(6, 8);
    expect(ranges.toJSON()).toEqual([[1, 11]]);
  });
});
