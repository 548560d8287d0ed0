import { describe, expect, it } from 'vitest';
import { parseReference } from '../../../src-shared/catalogue/reference';
import { formatBytes, parseByteSize, parseDuration } from '../../../src-shared/catalogue/units';
import { OutputCapture, fitUtf8 } from '../../../src-main/engine/catalogue/output-excerpt';

describe('reference parsing', () => {
  it.each([
    ['llama', { collection: null, name: 'llama', selector: { kind: 'head' } }],
    ['models/llama@v12', { collection: 'models', name: 'llama', selector: { kind: 'number', number: 12 } }],
    ['x@sha256:ABCDEF', { collection: null, name: 'x', selector: { kind: 'sha256', prefix: 'abcdef' } }],
    ['user@host.txt', { collection: null, name: 'user@host.txt', selector: { kind: 'head' } }],
    ['a@v0', { collection: null, name: 'a@v0', selector: { kind: 'head' } }],
  ])('reads %s', (text, parsed) => expect(parseReference(text)).toEqual(parsed));

  it.each(['', 'a/b/c', 'UP/x', 'x@sha256:ab', '/x'])('refuses %j with a reason', (text) => {
    expect(parseReference(text)).toHaveProperty('problem');
  });
});

describe('units', () => {
  it('reads sizes and durations as people write them', () => {
    expect(parseByteSize('10 GiB')).toBe(10 * 1024 ** 3);
    expect(parseByteSize('1.5kb')).toBe(1500);
    expect(parseByteSize(12)).toBe(12);
    expect(parseByteSize('ten')).toBeNull();
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2y')).toBeNull();
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});

describe('validator output excerpt', () => {
  it('keeps everything when it fits', () => {
    const capture = new OutputCapture();
    capture.push(Buffer.from('short output'));
    expect(capture.excerpt()).toBe('short output');
  });

  it('keeps start and end within 4 KiB, whatever bytes come', () => {
    const capture = new OutputCapture();
    capture.push(Buffer.from('START-'));
    for (let i = 0; i < 100; i += 1) capture.push(Buffer.from('é€😀\u0000'.repeat(50)));
    capture.push(Buffer.from([0xf0, 0x9f]));
    capture.push(Buffer.from('-END'));
    const excerpt = capture.excerpt();
    expect(Buffer.byteLength(excerpt)).toBeLessThanOrEqual(4096);
    expect(excerpt.startsWith('START-')).toBe(true);
    expect(excerpt.endsWith('-END')).toBe(true);
  });

  it('cuts on character boundaries', () => {
    expect(fitUtf8('😀😀', 5, 'start')).toBe('😀');
    expect(fitUtf8('a😀', 4, 'end')).toBe('😀');
  });
});
