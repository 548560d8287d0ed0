import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commandNames, commands, type EventName } from '../../../src-shared/contract';
import { CairnError } from '../../../src-shared/errors';
import { Engine } from '../../../src-main/engine/engine';
import packageJson from '../../../package.json';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

const ctx = { transport: 'test' };
let dir: TempDir;
const engines: Engine[] = [];

beforeAll(async () => {
  dir = await makeTempDir('engine');
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.stop()));
});

afterAll(() => dir.remove());

function newEngine(): Engine {
  const engine = new Engine({ repositoryPath: dir.join('repo') });
  engines.push(engine);
  return engine;
}

describe('Engine', () => {
  it('has a handler for every command of the contract, and for nothing else', () => {
    const engine = newEngine();
    for (const name of commandNames) expect(engine.has(name), name).toBe(true);
    for (const name of ['engine.nope', '__proto__', 'constructor', 'toString', '']) expect(engine.has(name), name).toBe(false);
  });

  it('answers engine.status with the contract shape, the package version and its repository', async () => {
    const engine = newEngine();
    await engine.start();
    const status = commands['engine.status'].output.parse(await engine.call('engine.status', {}, ctx));
    expect(status.version).toBe(packageJson.version);
    expect(status.repositoryPath).toBe(dir.join('repo'));
    expect(status.pid).toBe(process.pid);
    expect(status.nodeVersion).toBe(process.versions.node);
    expect(Number.isNaN(Date.parse(status.startedAt))).toBe(false);
  });

  it('validates every call: unknown commands and bad inputs get typed errors', async () => {
    const engine = newEngine();
    await engine.start();
    await expect(engine.call('engine.nope', {}, ctx)).rejects.toMatchObject({ code: 'UNKNOWN_COMMAND' });
    await expect(engine.call('engine.status', { extra: 1 }, ctx)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(engine.call('engine.status', {}, ctx)).resolves.toBeDefined();
  });

  it('refuses calls before start and after stop with UNAVAILABLE', async () => {
    const engine = newEngine();
    await expect(engine.call('engine.status', {}, ctx)).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('created') });
    await engine.start();
    expect(engine.isRunning).toBe(true);
    await engine.stop();
    expect(engine.isRunning).toBe(false);
    await expect(engine.call('engine.status', {}, ctx)).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('stopped') });
    await expect(engine.stop()).resolves.toBeUndefined();
  });

  it('starts only once', async () => {
    const engine = newEngine();
    await engine.start();
    const again = engine.start();
    await expect(again).rejects.toBeInstanceOf(CairnError);
    await expect(again).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('reports its log lines as engine.log events', async () => {
    const engine = newEngine();
    const seen: { event: EventName; payload: unknown }[] = [];
    const stop = engine.events.subscribe((event, payload) => seen.push({ event, payload }));
    await engine.start();
    engine.log.warn('careful', 'test');
    stop();
    engine.log.info('not seen after unsubscribe', 'test');
    expect(seen).toContainEqual({ event: 'engine.log', payload: expect.objectContaining({ level: 'info', message: expect.stringContaining('engine started') }) });
    expect(seen).toContainEqual({ event: 'engine.log', payload: expect.objectContaining({ level: 'warn', message: 'careful', area: 'test' }) });
    expect(seen.some((s) => (s.payload as { message: string }).message.startsWith('not seen'))).toBe(false);
  });

  it('keeps delivering events when one subscriber throws', async () => {
    const engine = newEngine();
    const received: unknown[] = [];
    engine.events.subscribe(() => {
      throw new Error('a closed socket');
    });
    engine.events.subscribe((_event, payload) => received.push(payload));
    engine.log.info('still delivered');
    expect(received).toEqual([expect.objectContaining({ message: 'still delivered' })]);
  });
});
