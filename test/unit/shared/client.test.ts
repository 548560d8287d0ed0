import { describe, expect, it, vi } from 'vitest';
import { createClient, type ClientTransport } from '../../../src-shared/client';
import { commandNames } from '../../../src-shared/contract';

function fakeTransport() {
  let sink: (event: string, payload: unknown) => void = () => {};
  const call = vi.fn<ClientTransport['call']>(async (command) => ({ answeredBy: command }));
  const transport: ClientTransport = {
    call,
    onEvent(s) {
      sink = s;
    },
  };
  return { transport, call, emit: (event: string, payload: unknown) => sink(event, payload) };
}

describe('createClient', () => {
  it('has one function per contract command, plus on', () => {
    const client = createClient(fakeTransport().transport);
    expect(Object.keys(client).sort()).toEqual([...commandNames, 'on'].sort());
  });

  it('sends the command name and input through the transport', async () => {
    const { transport, call } = fakeTransport();
    const client = createClient(transport);
    await expect(client['engine.status']({})).resolves.toEqual({ answeredBy: 'engine.status' });
    await (client['engine.status'] as (input?: unknown) => Promise<unknown>)();
    expect(call.mock.calls).toEqual([
      ['engine.status', {}],
      ['engine.status', {}],
    ]);
  });

  it('delivers events to their listeners until they unsubscribe, and ignores unknown events', () => {
    const { transport, emit } = fakeTransport();
    const client = createClient(transport);
    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = client.on('engine.log', first);
    client.on('engine.log', second);
    emit('engine.log', { n: 1 });
    emit('some.future.event', { n: 2 });
    stopFirst();
    emit('engine.log', { n: 3 });
    expect(first.mock.calls).toEqual([[{ n: 1 }]]);
    expect(second.mock.calls).toEqual([[{ n: 1 }], [{ n: 3 }]]);
  });
});
