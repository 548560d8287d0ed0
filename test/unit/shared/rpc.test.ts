import { describe, expect, it } from 'vitest';
import { commandNames, commands, eventNames, events, isCommandName, isEventName } from '../../../src-shared/contract';
import { requestMessageSchema, serverMessageSchema } from '../../../src-shared/rpc';

describe('the wire messages', () => {
  it('accepts a request and refuses malformed ones', () => {
    expect(requestMessageSchema.safeParse({ type: 'request', id: 1, command: 'engine.status', input: {} }).success).toBe(true);
    for (const bad of [
      { type: 'request', id: -1, command: 'engine.status' },
      { type: 'request', id: 1.5, command: 'engine.status' },
      { type: 'request', id: '1', command: 'engine.status' },
      { type: 'response', id: 1, command: 'engine.status' },
      { type: 'request', id: 1, command: 'x'.repeat(201) },
      { type: 'request', id: 1 },
    ]) {
      expect(requestMessageSchema.safeParse(bad).success, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
  });

  it('accepts the responses and events a server sends', () => {
    expect(serverMessageSchema.safeParse({ type: 'response', id: 1, ok: true, output: { a: 1 } }).success).toBe(true);
    expect(serverMessageSchema.safeParse({ type: 'response', id: 1, ok: false, error: { code: 'IO', message: 'Disk error.' } }).success).toBe(true);
    expect(serverMessageSchema.safeParse({ type: 'event', event: 'engine.log', payload: {} }).success).toBe(true);
    expect(serverMessageSchema.safeParse({ type: 'response', id: 1, ok: false, error: { code: 'NOPE', message: 'x' } }).success).toBe(false);
    expect(serverMessageSchema.safeParse({ type: 'response', id: 1, ok: false }).success).toBe(false);
  });
});

describe('the contract', () => {
  it('lists every command and event once, each with a summary and schemas', () => {
    expect(new Set(commandNames).size).toBe(commandNames.length);
    for (const name of commandNames) {
      expect(commands[name].summary.length, name).toBeGreaterThan(0);
      expect(typeof commands[name].input.safeParse, name).toBe('function');
      expect(typeof commands[name].output.safeParse, name).toBe('function');
      expect(name).toMatch(/^[a-z]+(\.[a-zA-Z]+)+$/);
    }
    for (const name of eventNames) expect(events[name].summary.length, name).toBeGreaterThan(0);
  });

  it('does not mistake inherited object keys for names', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(isCommandName(name)).toBe(false);
      expect(isEventName(name)).toBe(false);
    }
    expect(isCommandName('engine.status')).toBe(true);
    expect(isEventName('engine.log')).toBe(true);
  });
});
