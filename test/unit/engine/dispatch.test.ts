import { describe, expect, it, vi } from 'vitest';
import { CairnError, InvalidInputError, UnknownCommandError } from '../../../src-shared/errors';
import { dispatch, parseInput } from '../../../src-main/engine/api/dispatch';
import type { CallContext, Handlers } from '../../../src-main/engine/api/handlers';

const ctx: CallContext = { transport: 'test' };

/** Handlers for the test: only engine.status is real, which is all dispatch needs to reach. */
function handlersWith(status: (input: unknown, ctx: CallContext) => Promise<unknown>): Handlers {
  return { 'engine.status': status } as unknown as Handlers;
}

describe('dispatch', () => {
  it('runs the handler with the parsed input and the call context', async () => {
    const handler = vi.fn(async () => 'the output');
    await expect(dispatch(handlersWith(handler), 'engine.status', {}, ctx)).resolves.toBe('the output');
    expect(handler).toHaveBeenCalledWith({}, ctx);
  });

  it('treats a missing input as an empty object', async () => {
    const handler = vi.fn(async () => null);
    await dispatch(handlersWith(handler), 'engine.status', undefined, ctx);
    await dispatch(handlersWith(handler), 'engine.status', null, ctx);
    expect(handler.mock.calls.map((call) => (call as unknown[])[0])).toEqual([{}, {}]);
  });

  it('refuses an unknown command with UNKNOWN_COMMAND naming it, without running anything', async () => {
    const handler = vi.fn(async () => null);
    for (const name of ['engine.nope', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const err = await dispatch(handlersWith(handler), name, {}, ctx).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(UnknownCommandError);
      expect(err).toMatchObject({ code: 'UNKNOWN_COMMAND', message: `Unknown command "${name}".` });
      expect((err as CairnError).hint).toContain('contract');
    }
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses a name that is not a string, and does not echo a huge name back', async () => {
    const handlers = handlersWith(async () => null);
    await expect(dispatch(handlers, 42 as unknown as string, {}, ctx)).rejects.toMatchObject({ code: 'UNKNOWN_COMMAND' });
    const err = (await dispatch(handlers, 'x'.repeat(10_000), {}, ctx).catch((e: unknown) => e)) as CairnError;
    expect(err.code).toBe('UNKNOWN_COMMAND');
    expect(err.message.length).toBeLessThan(300);
  });

  it('refuses an input the schema does not allow, before the handler runs', async () => {
    const handler = vi.fn(async () => null);
    for (const input of [{ extra: 1 }, 'text', 42, [], true]) {
      const err = await dispatch(handlersWith(handler), 'engine.status', input, ctx).catch((e: unknown) => e);
      expect(err, JSON.stringify(input)).toBeInstanceOf(InvalidInputError);
      expect((err as CairnError).code).toBe('INVALID_INPUT');
      expect((err as CairnError).message).toMatch(/^Invalid input for "engine.status": /);
    }
    expect(handler).not.toHaveBeenCalled();
  });

  it('lets a handler error through unchanged', async () => {
    const failure = new CairnError('NOT_FOUND', 'Version v9 of "model" was not found.');
    await expect(dispatch(handlersWith(async () => Promise.reject(failure)), 'engine.status', {}, ctx)).rejects.toBe(failure);
  });
});

describe('parseInput', () => {
  it('names the offending key and keeps the issues as details', () => {
    const err = (() => {
      try {
        parseInput('engine.status', { extra: 1 });
      } catch (e) {
        return e as CairnError;
      }
      throw new Error('parseInput accepted an unknown key');
    })();
    expect(err.message).toContain('extra');
    expect(err.details).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['extra'] })]);
  });

  it('returns the parsed value', () => {
    expect(parseInput('engine.status', {})).toEqual({});
  });
});
