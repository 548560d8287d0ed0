import { describe, expect, it } from 'vitest';
import {
  CairnError,
  InvalidInputError,
  NotFoundError,
  RemoteError,
  UnauthorizedError,
  UnknownCommandError,
  errorCodes,
} from '../../../src-shared/errors';
import { decodeBridgeError, encodeBridgeError, isWireError, toWireError, wireErrorSchema } from '../../../src-shared/wire-errors';

describe('CairnError', () => {
  it('carries a code, a message, a hint and details, and is a real Error', () => {
    const cause = new Error('EACCES');
    const err = new CairnError('PERMISSION_DENIED', 'Cannot write /vault/config.', { hint: 'Check the folder permissions.', details: { path: '/vault' }, cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.cause).toBe(cause);
    expect(err.toWire()).toEqual({ code: 'PERMISSION_DENIED', message: 'Cannot write /vault/config.', hint: 'Check the folder permissions.', details: { path: '/vault' } });
    expect(err.describe()).toBe('Cannot write /vault/config.\n  Check the folder permissions.');
  });

  it('leaves out what was not given, so the wire form stays valid', () => {
    const wire = new CairnError('CONFLICT', 'Busy.').toWire();
    expect(wire).toEqual({ code: 'CONFLICT', message: 'Busy.' });
    expect(Object.keys(wire)).toEqual(['code', 'message']);
    expect(new CairnError('CONFLICT', 'Busy.').describe()).toBe('Busy.');
  });

  it('has typed subclasses with the right codes and a message that names the thing', () => {
    expect(new UnknownCommandError('repo.nope')).toMatchObject({ code: 'UNKNOWN_COMMAND', message: 'Unknown command "repo.nope".', name: 'UnknownCommandError' });
    expect(new InvalidInputError('"engine.status"', ['input: bad', 'x: worse'])).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Invalid input for "engine.status": input: bad; x: worse.',
    });
    expect(new UnauthorizedError()).toMatchObject({ code: 'UNAUTHORIZED', hint: expect.stringContaining('cairn serve') });
    expect(new NotFoundError('Artifact "model"', 'List artifacts with `cairn ls`.')).toMatchObject({
      code: 'NOT_FOUND',
      message: 'Artifact "model" was not found.',
      hint: 'List artifacts with `cairn ls`.',
    });
    for (const err of [new UnknownCommandError('x'), new InvalidInputError('x', ['y']), new UnauthorizedError(), new NotFoundError('x')]) {
      expect(err).toBeInstanceOf(CairnError);
      expect(wireErrorSchema.safeParse(err.toWire()).success).toBe(true);
    }
  });
});

describe('toWireError', () => {
  it('keeps a CairnError as it is', () => {
    expect(toWireError(new NotFoundError('Pack 1f2e'))).toEqual({ code: 'NOT_FOUND', message: 'Pack 1f2e was not found.' });
  });

  it('passes a wire error through', () => {
    const wire = { code: 'TIMEOUT', message: 'The endpoint did not answer.' } as const;
    expect(toWireError(wire)).toBe(wire);
  });

  it('turns anything else into INTERNAL without a stack trace', () => {
    const wire = toWireError(new TypeError('x is undefined'));
    expect(wire).toMatchObject({ code: 'INTERNAL', message: 'Internal error: x is undefined', hint: expect.stringContaining('bug') });
    expect(JSON.stringify(wire)).not.toContain('at ');
    expect(toWireError('a string')).toMatchObject({ code: 'INTERNAL', message: 'Internal error: a string' });
    expect(toWireError(undefined)).toMatchObject({ code: 'INTERNAL' });
    expect(toWireError({ code: 'NOT_A_CODE', message: 'x' })).toMatchObject({ code: 'INTERNAL' });
  });
});

describe('isWireError', () => {
  it('accepts every known code and nothing else', () => {
    for (const code of errorCodes) expect(isWireError({ code, message: 'm' })).toBe(true);
    expect(isWireError({ code: 'NOPE', message: 'm' })).toBe(false);
    expect(isWireError({ code: 'IO' })).toBe(false);
    expect(isWireError(null)).toBe(false);
  });
});

describe('the context-bridge error encoding', () => {
  const wire = { code: 'WRONG_PASSPHRASE', message: 'The passphrase does not unlock this repository.', hint: 'Try again.', details: { tries: 1 } } as const;

  it('round-trips a wire error through an Error message', () => {
    const decoded = decodeBridgeError(encodeBridgeError(wire));
    expect(decoded).toBeInstanceOf(RemoteError);
    expect(decoded.toWire()).toEqual(wire);
  });

  it('finds the error inside the prefix Electron adds to a rejected invoke', () => {
    const electronMessage = `Error invoking remote method 'cairn:invoke': ${encodeBridgeError(wire).message}`;
    expect(decodeBridgeError(new Error(electronMessage)).code).toBe('WRONG_PASSPHRASE');
  });

  it('returns a CairnError unchanged and anything else as INTERNAL', () => {
    const err = new NotFoundError('x');
    expect(decodeBridgeError(err)).toBe(err);
    expect(decodeBridgeError(new Error('boom'))).toMatchObject({ code: 'INTERNAL', message: 'boom' });
    expect(decodeBridgeError(new Error('cairn-error:{broken'))).toMatchObject({ code: 'INTERNAL' });
    expect(decodeBridgeError('text')).toMatchObject({ code: 'INTERNAL', message: 'text' });
  });
});
