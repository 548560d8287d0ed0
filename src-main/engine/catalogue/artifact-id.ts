import crypto from 'node:crypto';

/**
 * An artifact's id is a hash of its collection and name, so two devices that create the same
 * artifact at the same time (before they sync) create the same one.
 */
export function artifactIdOf(collection: string, name: string): string {
  return crypto.createHash('sha256').update(`cairn-artifact\0${collection}\0${name}`).digest('hex').slice(0, 32);
}

/** A random 128-bit id (versions, events): never collides across devices. */
export function randomId(): string {
  return crypto.randomBytes(16).toString('hex');
}
