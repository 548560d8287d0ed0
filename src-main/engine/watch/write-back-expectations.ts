/**
 * Writes the engine announces before making them (a rollback writing an old version back to
 * disk), so the watcher does not turn its own write into yet another version. An expectation is
 * consumed by the first settled content of that path: if the digest matches, nothing is
 * published; if it does not, someone else wrote in between and the content is published as
 * usual. Expectations expire so a write that never happened cannot mask a later real change.
 */

export interface WriteBackExpectation {
  sha256: string;
  versionId: string | null;
  expiresAt: number;
}

export class WriteBackExpectations {
  private readonly byPath = new Map<string, WriteBackExpectation>();

  constructor(private readonly ttlMs: number) {}

  expect(absolutePath: string, sha256: string, versionId: string | null): void {
    this.byPath.set(absolutePath, { sha256, versionId, expiresAt: performance.now() + this.ttlMs });
  }

  /** Whether a write to this path is expected (so the watcher hashes before publishing). */
  has(absolutePath: string): boolean {
    const expectation = this.byPath.get(absolutePath);
    if (!expectation) return false;
    if (expectation.expiresAt < performance.now()) {
      this.byPath.delete(absolutePath);
      return false;
    }
    return true;
  }

  /** Whether `sha256` is what was expected at this path (without consuming it). */
  matches(absolutePath: string, sha256: string): boolean {
    return this.has(absolutePath) && this.byPath.get(absolutePath)?.sha256 === sha256;
  }

  /**
   * Consumes the expectation for this path. Returns it when the content is the announced one,
   * undefined otherwise (the expectation is dropped either way: it has been answered).
   */
  take(absolutePath: string, sha256: string): WriteBackExpectation | undefined {
    if (!this.has(absolutePath)) return undefined;
    const expectation = this.byPath.get(absolutePath);
    this.byPath.delete(absolutePath);
    return expectation?.sha256 === sha256 ? expectation : undefined;
  }
}
