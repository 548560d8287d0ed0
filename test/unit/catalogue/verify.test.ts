import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalogueConfig } from '../../../src-main/engine/catalogue/type-config';
import { makeTempDir, type TempDir } from '../../helpers/tmp';
import { contentOf, makeCatalogue } from './harness';

const node = JSON.stringify(process.execPath);

describe('Catalogue.verify', () => {
  let tmp: TempDir;
  let server: http.Server;
  let baseUrl: string;
  const received: unknown[] = [];

  beforeAll(async () => {
    tmp = await makeTempDir('verify');
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body));
        if (req.url === '/ok') res.writeHead(200).end('looks good');
        else if (req.url === '/reject') res.writeHead(422).end('license missing');
        // '/hang' never answers
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await tmp.remove();
  });

  async function setUp(validatorYaml: string) {
    const config = parseCatalogueConfig(`types:\n  model:\n    validator: ${validatorYaml}\n`);
    const catalogue = makeCatalogue({ config });
    await catalogue.addVersion({ collection: 'models', name: 'tiny.gguf', ...contentOf('tiny') });
    const file = await tmp.write('tiny.gguf', 'GGUF weights');
    const materialised: string[] = [];
    const materialise = async (versionId: string) => {
      materialised.push(versionId);
      return file;
    };
    return { catalogue, materialise, materialised, file };
  }

  const commandOf = (script: string, timeout = '30s') => `{ command: [${node}, "-e", ${JSON.stringify(script)}], timeout: ${timeout} }`;

  it('publishes on a passing command, which gets the materialised path', async () => {
    const { catalogue, materialise, materialised, file } = await setUp(commandOf('const fs = require("fs"); console.log("checked", fs.readFileSync(process.argv.at(-1), "utf8"), process.env.CAIRN_ARTIFACT)'));
    const { version, validation } = await catalogue.verify('models/tiny.gguf', { materialise });
    expect(materialised).toEqual([version.id]);
    expect(version.status).toBe('published');
    expect(validation).toMatchObject({ pass: true, timedOut: false, exitCode: 0 });
    expect(validation?.outputExcerpt).toContain('checked GGUF weights models/tiny.gguf');
    expect(validation?.validator).toContain(file);
    const detail = catalogue.versionDetail('models/tiny.gguf');
    expect(detail.lastValidation).toEqual(validation);
    expect(detail.events.map((e) => e.kind)).toEqual(['status_changed', 'validator_ran', 'status_changed', 'created']);
  });

  it('blocks the version when the command fails, and records the run', async () => {
    const { catalogue, materialise } = await setUp(commandOf('console.error("bad header"); process.exit(3)'));
    const { version, validation } = await catalogue.verify('models/tiny.gguf', { materialise });
    expect(version.status).toBe('blocked');
    expect(validation).toMatchObject({ pass: false, timedOut: false, exitCode: 3 });
    const event = catalogue.listEvents({ version: 'models/tiny.gguf', kinds: ['validator_ran'] }).items[0];
    expect(event?.details).toMatchObject({ pass: false, exitCode: 3 });
    expect(String(event?.details.outputExcerpt)).toContain('bad header');
    expect(catalogue.listEvents({ version: 'models/tiny.gguf', kinds: ['status_changed'] }).items[0]?.details).toMatchObject({ to: 'blocked', reason: 'validator failed' });
  });

  it('kills a hanging command (and what it started) at its timeout and blocks the version', async () => {
    const { catalogue, materialise } = await setUp(`{ command: ["/bin/sh", "-c", "echo started; sleep 600 & wait", "validator"], timeout: 300ms }`);
    const { version, validation } = await catalogue.verify('models/tiny.gguf', { materialise });
    expect(version.status).toBe('blocked');
    expect(validation).toMatchObject({ pass: false, timedOut: true, exitCode: null });
    expect(validation?.outputExcerpt).toContain('started');
    expect(validation?.outputExcerpt).toContain('killed after 300 ms');
    expect(catalogue.listEvents({ version: 'models/tiny.gguf', kinds: ['validator_ran'] }).items[0]?.details).toMatchObject({ timedOut: true });
  });

  it('blocks when the command cannot even start', async () => {
    const { catalogue, materialise } = await setUp('{ command: ["/nonexistent/validator"] }');
    const { version, validation } = await catalogue.verify('models/tiny.gguf', { materialise });
    expect(version.status).toBe('blocked');
    expect(validation?.outputExcerpt).toMatch(/could not start/);
  });

  it('keeps at most 4 KiB of binary output, start and end', async () => {
    const script = 'process.stdout.write("BEGIN"); process.stdout.write(Buffer.alloc(100000, 0xff)); process.stdout.write("END"); process.exit(1)';
    const { catalogue, materialise } = await setUp(commandOf(script));
    const { validation } = await catalogue.verify('models/tiny.gguf', { materialise });
    const excerpt = validation?.outputExcerpt ?? '';
    expect(Buffer.byteLength(excerpt)).toBeLessThanOrEqual(4096);
    expect(excerpt.startsWith('BEGIN')).toBe(true);
    expect(excerpt.endsWith('END')).toBe(true);
    expect(excerpt).toContain('bytes left out');
  });

  it('posts metadata to a URL validator: 2xx publishes', async () => {
    const { catalogue } = await setUp(`{ url: "${baseUrl}/ok" }`);
    received.length = 0;
    const { version, validation } = await catalogue.verify('models/tiny.gguf');
    expect(version.status).toBe('published');
    expect(validation).toMatchObject({ pass: true, httpStatus: 200, outputExcerpt: 'looks good' });
    expect(received[0]).toMatchObject({ artifact: { collection: 'models', name: 'tiny.gguf', type: 'model' }, version: { number: 1, sha256: version.sha256 } });
  });

  it('a URL validator answering 4xx blocks', async () => {
    const { catalogue } = await setUp(`{ url: "${baseUrl}/reject" }`);
    const { version, validation } = await catalogue.verify('models/tiny.gguf');
    expect(version.status).toBe('blocked');
    expect(validation).toMatchObject({ pass: false, httpStatus: 422, outputExcerpt: 'license missing' });
  });

  it('a URL validator that never answers is timed out and blocks', async () => {
    const { catalogue } = await setUp(`{ url: "${baseUrl}/hang", timeout: 300ms }`);
    const { version, validation } = await catalogue.verify('models/tiny.gguf');
    expect(version.status).toBe('blocked');
    expect(validation).toMatchObject({ pass: false, timedOut: true });
    expect(catalogue.listEvents({ version: 'models/tiny.gguf', kinds: ['validator_ran'] }).items).toHaveLength(1);
  });

  it('publishes straight away when the type needs no validator', async () => {
    const catalogue = makeCatalogue();
    await catalogue.addVersion({ name: 'plain.txt', ...contentOf('plain') });
    const { version, validation } = await catalogue.verify('plain.txt');
    expect(validation).toBeNull();
    expect(version.status).toBe('published');
  });

  it('says clearly when a command validator cannot run for lack of materialised content', async () => {
    const { catalogue } = await setUp(commandOf('0'));
    await expect(catalogue.verify('models/tiny.gguf')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(catalogue.getVersion('models/tiny.gguf').status).toBe('draft');
  });

  it('verifies a blocked version again after the validator was fixed', async () => {
    const { catalogue, materialise } = await setUp(commandOf('process.exit(1)'));
    await catalogue.verify('models/tiny.gguf', { materialise });
    catalogue.setConfig(parseCatalogueConfig(`types:\n  model:\n    validator: ${commandOf('0')}\n`));
    const { version } = await catalogue.verify('models/tiny.gguf', { materialise });
    expect(version.status).toBe('published');
  });
});
