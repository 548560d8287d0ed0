import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../../../src-shared/catalogue/records';
import { mayRemove } from '../../../src-main/engine/sync/update-effects';

/** Two replicas: `writer` makes a change, and we ask what it would do to `reader`. */
function replicas() {
  const writer = new Y.Doc();
  const reader = new Y.Doc();
  writer.getMap('versions').set('v1', encodeRecord({ id: 'v1' }));
  writer.getMap('status').set('v1|w', encodeRecord({ value: 'draft' }));
  Y.applyUpdateV2(reader, Y.encodeStateAsUpdateV2(writer));
  return { writer, reader };
}

function change(writer: Y.Doc, edit: () => void): Uint8Array {
  const before = Y.encodeStateVector(writer);
  writer.transact(edit);
  return Y.encodeStateAsUpdateV2(writer, before);
}

const tombstone = (value: boolean) => encodeRecord({ target: 'artifact', id: 'a'.repeat(32), value, reason: null, at: 1, device: 'w' });

describe('mayRemove', () => {
  it('is false for additions and for overwriting a key (a register candidate rewritten)', () => {
    const { writer, reader } = replicas();
    expect(mayRemove(reader, change(writer, () => writer.getMap('versions').set('v2', encodeRecord({ id: 'v2' }))))).toBe(false);
    expect(mayRemove(reader, change(writer, () => writer.getMap('status').set('v1|w', encodeRecord({ value: 'published' }))))).toBe(false);
  });

  it('is true when a key is removed rather than overwritten', () => {
    const { writer, reader } = replicas();
    expect(mayRemove(reader, change(writer, () => writer.getMap('versions').delete('v1')))).toBe(true);
  });

  it('is true for a deletion tombstone, false for a restore', () => {
    const { writer, reader } = replicas();
    expect(mayRemove(reader, change(writer, () => writer.getMap('tombstones').set('artifact/x|w', tombstone(false))))).toBe(false);
    expect(mayRemove(reader, change(writer, () => writer.getMap('tombstones').set('artifact/y|w', tombstone(true))))).toBe(true);
  });

  it('is false for an update the reader already has', () => {
    const { writer, reader } = replicas();
    const update = change(writer, () => writer.getMap('versions').delete('v1'));
    Y.applyUpdateV2(reader, update);
    expect(mayRemove(reader, update)).toBe(false);
  });
});
