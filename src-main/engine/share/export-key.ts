import { CairnError } from '../../../src-shared/errors';
import { assertValidKey } from '../backends/backend';

/** Share links may live at most 7 days: the limit of an S3 SigV4 presigned URL. */
export const maxShareSeconds = 7 * 24 * 60 * 60;

export class InvalidShareNameError extends CairnError {
  constructor(name: string, why: string) {
    super('INVALID_INPUT', `"${name.slice(0, 200)}" cannot be the file name of a share link: ${why}.`, {
      hint: 'Give another name with --name: letters, digits, ".", "_", "-" and spaces, without "/".',
    });
    this.name = 'InvalidShareNameError';
  }
}

/**
 * The key of a plain (unencrypted) export of a file: `exports/<sha256>/<name>` (DESIGN.md 4).
 * Named by content, so sharing the same bytes twice reuses one object.
 */
export function exportKey(sha256: string, name: string): string {
  if (name.length === 0) throw new InvalidShareNameError(name, 'it is empty');
  if (name.includes('/')) throw new InvalidShareNameError(name, 'it contains "/"');
  if (Buffer.byteLength(name) > 255) throw new InvalidShareNameError(name, 'it is longer than 255 bytes');
  if ([...name].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f' || c === '"')) throw new InvalidShareNameError(name, 'it contains a control character or a double quote');
  const key = `exports/${sha256}/${name}`;
  try {
    assertValidKey(key);
  } catch (err) {
    throw new InvalidShareNameError(name, err instanceof Error ? err.message : String(err));
  }
  return key;
}
