import crypto from 'node:crypto';
import type { AddVersionInput } from '../../src-main/engine/catalogue/catalogue';

const extensions = ['.safetensors', '.gguf', '.csv', '.parquet', '.md', '.pdf', '.jsonl', '.bin'];
const hex = (bytes: number) => crypto.randomBytes(bytes).toString('hex');

/**
 * The `i`-th version of a synthetic catalogue of `artifacts` artifacts (spread over 20
 * collections, eight file types): what the manifest and UI benchmarks add, the same shape in
 * both so their numbers describe the same catalogue.
 */
export function syntheticVersion(i: number, artifacts: number, tool: string): AddVersionInput {
  const a = i % artifacts;
  return {
    collection: `team-${a % 20}`,
    name: `artifact-${String(a).padStart(6, '0')}${extensions[a % extensions.length]}`,
    treeId: hex(32),
    sha256: hex(32),
    size: 1000 + ((i * 7919) % 1_000_000_000),
    message: i % 10 === 0 ? 'nightly export' : '',
    provenance: { sourcePath: `/home/ana/projects/p${a % 50}/out/artifact-${a}`, host: 'workstation', tool },
  };
}
