/**
 * Keys are ordered by their UTF-8 bytes, as S3 lists them. JavaScript's `<` compares UTF-16 code
 * units, which disagrees for characters above U+FFFF against U+E000..U+FFFF, so this is the one
 * comparison every backend and test uses.
 */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
