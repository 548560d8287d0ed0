import { describe, expect, it } from 'vitest';
import { CatalogueConfigError, QuotaExceededError } from '../../../src-main/engine/catalogue/errors';
import { defaultCatalogueConfig, parseCatalogueConfig, typeForFileName } from '../../../src-main/engine/catalogue/type-config';
import { contentOf, makeCatalogue } from './harness';

const GiB = 1024 ** 3;

describe('type config', () => {
  it('has the built-in types and extensions', () => {
    expect([...defaultCatalogueConfig.types.keys()].sort()).toEqual(['dataset', 'document', 'file', 'model', 'plugin', 'prompt']);
    expect(typeForFileName(defaultCatalogueConfig, 'x.CKPT')).toBe('model');
    expect(typeForFileName(defaultCatalogueConfig, 'x.jsonl')).toBe('dataset');
    expect(typeForFileName(defaultCatalogueConfig, 'x.docx')).toBe('document');
    expect(typeForFileName(defaultCatalogueConfig, '.md')).toBe('file');
    expect(typeForFileName(defaultCatalogueConfig, 'archive.tar.gz')).toBe('file');
  });

  it('reads types, validators and quotas from YAML; user types take extensions over', () => {
    const config = parseCatalogueConfig(`
# our types
types:
  model:
    extensions: [.gguf, .safetensors]
    validator: { command: [python3, check.py], timeout: 2m }
    quota: { maxArtifactSize: 20 GiB, maxTotalSize: 1TiB }
  notebook:
    extensions: [.ipynb, .tar.gz, .TXT]
  prompt:
    validator: { url: "https://ci.example/validate", headers: { authorization: "Bearer x" } }
collections:
  scratch:
    quota: { maxTotalSize: 50 GiB }
`);
    expect(config.types.get('model')).toEqual({
      name: 'model',
      extensions: ['.gguf', '.safetensors'],
      validator: { kind: 'command', command: ['python3', 'check.py'], timeoutMs: 120_000 },
      quota: { maxArtifactBytes: 20 * GiB, maxTotalBytes: 1024 * GiB },
    });
    expect(config.types.get('prompt')?.validator).toEqual({ kind: 'http', url: 'https://ci.example/validate', timeoutMs: 60_000, headers: { authorization: 'Bearer x' } });
    expect(typeForFileName(config, 'a.tar.gz')).toBe('notebook');
    expect(typeForFileName(config, 'notes.txt')).toBe('notebook');
    expect(typeForFileName(config, 'model.bin')).toBe('file'); // model no longer claims .bin
    expect(config.types.get('document')?.extensions).toEqual(['.md', '.pdf', '.docx']);
    expect(config.collections.get('scratch')?.quota).toEqual({ maxArtifactBytes: null, maxTotalBytes: 50 * GiB });
  });

  it.each([
    ['types: [1, 2', /not valid YAML at line/],
    ['types:\n  Model: {}', /types\.Model/],
    ['types:\n  model:\n    validator: { command: [] }', /validator/],
    ['types:\n  model:\n    validator: { url: "ftp://x" }', /validator/],
    ['types:\n  model:\n    quota: { maxTotalSize: lots }', /"lots" is not a size/],
    ['types:\n  model:\n    validator: { command: [x], timeout: soon }', /"soon" is not a duration/],
    ['types:\n  a:\n    extensions: [.x]\n  b:\n    extensions: [.x]', /\.x is claimed by both "a" and "b"/],
    ['collections:\n  BAD: {}', /collections\.BAD/],
    ['colections: {}', /Unrecognized key/i],
  ])('refuses %j naming the problem', (yaml, problem) => {
    const err = (() => {
      try {
        parseCatalogueConfig(yaml, 'types.yaml');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(CatalogueConfigError);
    expect((err as Error).message).toContain('types.yaml');
    expect((err as Error).message).toMatch(problem);
  });
});

describe('quotas', () => {
  const config = parseCatalogueConfig(`
types:
  model:
    quota: { maxArtifactSize: 100, maxTotalSize: 250 }
collections:
  small:
    quota: { maxTotalSize: 150 }
`);

  it('refuses a version over the per-version limit of its type, naming the numbers', async () => {
    const catalogue = makeCatalogue({ config });
    const err = await catalogue.addVersion({ name: 'big.gguf', ...contentOf('big', 101) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExceededError);
    expect(err).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { scope: 'type:model', limit: 'maxArtifactSize', limitBytes: 100 } });
    expect((err as Error).message).toBe('"default/big.gguf" is 101 bytes, over the 100 bytes per-version limit of type "model".');
    expect(catalogue.listArtifacts().total).toBe(0);
  });

  it('refuses content that would pass a total limit, counting shared content once', async () => {
    const catalogue = makeCatalogue({ config });
    await catalogue.addVersion({ name: 'a.gguf', ...contentOf('a', 100) });
    await catalogue.addVersion({ name: 'b.gguf', ...contentOf('b', 100) });
    const err = await catalogue.addVersion({ name: 'c.gguf', ...contentOf('c', 60) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { scope: 'type:model', usedBytes: 200, addingBytes: 60, limitBytes: 250 } });
    expect((err as Error).message).toContain('over its 250 bytes total limit (200 bytes used now)');
    // The same content under another name adds nothing; a rollback neither.
    await expect(catalogue.addVersion({ name: 'c.gguf', ...contentOf('a', 100) })).resolves.toMatchObject({ created: true });
    await catalogue.addVersion({ name: 'a.gguf', ...contentOf('a2', 40) });
    await expect(catalogue.rollback('a.gguf', 1)).resolves.toMatchObject({ created: true });
  });

  it('frees space when versions are deleted, and counts them again when restored', async () => {
    const catalogue = makeCatalogue({ config });
    await catalogue.addVersion({ collection: 'small', name: 'x.txt', ...contentOf('x', 100) });
    await expect(catalogue.addVersion({ collection: 'small', name: 'y.txt', ...contentOf('y', 100) })).rejects.toMatchObject({ details: { scope: 'collection:small' } });
    await catalogue.deleteArtifact('small/x.txt');
    await catalogue.addVersion({ collection: 'small', name: 'y.txt', ...contentOf('y', 100) });
    await catalogue.restoreArtifact('small/x.txt');
    await expect(catalogue.addVersion({ collection: 'small', name: 'z.txt', ...contentOf('z', 1) })).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
  });

  it('moves usage with the artifact when its type changes', async () => {
    const catalogue = makeCatalogue({ config });
    await catalogue.addVersion({ name: 'm.gguf', ...contentOf('m', 100) });
    await catalogue.addVersion({ name: 'n.gguf', ...contentOf('n', 100) });
    await catalogue.editMetadata('n.gguf', { type: 'file' });
    await expect(catalogue.addVersion({ name: 'o.gguf', ...contentOf('o', 100) })).resolves.toMatchObject({ created: true });
  });
});
