import { describe, expect, it } from 'vitest';
import { guessMime, isTextMime, mimeFromName, utf8Prefix } from '../../../src-main/engine/content/mime';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('media types for previews', () => {
  it('guesses from the name', () => {
    expect(mimeFromName('a/b/config.json')).toBe('application/json');
    expect(mimeFromName('rules.YAML')).toBe('application/yaml');
    expect(mimeFromName('.env')).toBe('text/plain');
    expect(mimeFromName('Makefile')).toBe('application/octet-stream');
    expect(mimeFromName('photo.JPG')).toBe('image/jpeg');
  });

  it('lets the first bytes correct the name', () => {
    expect(guessMime('x.bin', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(guessMime('x.txt', new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(guessMime('Makefile', bytes('all:\n'), true)).toBe('text/plain');
    expect(guessMime('notes.txt', new Uint8Array([1, 0, 2, 3]), true)).toBe('application/octet-stream');
    expect(guessMime('weights.bin', new Uint8Array([0xc3, 0x28]), true)).toBe('application/octet-stream');
    expect(guessMime('data.csv', null)).toBe('text/csv');
    // Valid UTF-8, but control characters text does not use: binary.
    expect(guessMime('weights.bin', new Uint8Array(4096).fill(7), true)).toBe('application/octet-stream');
    expect(guessMime('notes.txt', new Uint8Array(4096).fill(7), true)).toBe('application/octet-stream');
    expect(guessMime('notes.txt', bytes('tab\tand\r\nescape \u001b[1m'), true)).toBe('text/plain');
  });

  it('knows which types are text', () => {
    for (const mime of ['text/plain', 'application/json', 'application/yaml', 'image/svg+xml']) expect(isTextMime(mime)).toBe(true);
    for (const mime of ['image/png', 'application/octet-stream', 'application/pdf']) expect(isTextMime(mime)).toBe(false);
  });

  it('keeps only whole characters of cut UTF-8 text', () => {
    const text = bytes('aé€😀');
    expect(utf8Prefix(text, false)).toBe(text.length);
    expect(utf8Prefix(text, true)).toBe(text.length);
    expect(utf8Prefix(text.subarray(0, 2), true)).toBe(1);
    expect(utf8Prefix(text.subarray(0, 5), true)).toBe(3);
    expect(utf8Prefix(text.subarray(0, 9), true)).toBe(6);
    expect(utf8Prefix(text.subarray(0, 2), false)).toBeNull();
    expect(utf8Prefix(new Uint8Array([0x61, 0]), false)).toBeNull();
  });
});
