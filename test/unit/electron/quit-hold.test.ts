import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { holdQuitUntil } from '../../../src-main/electron/quit-hold';

type QuittableApp = Parameters<typeof holdQuitUntil>[0];

function fakeApp() {
  const app = Object.assign(new EventEmitter(), { quit: vi.fn() });
  const willQuit = () => {
    let prevented = false;
    app.emit('will-quit', { preventDefault: () => (prevented = true) });
    return prevented;
  };
  return { app: app as typeof app & QuittableApp, willQuit };
}

describe('holdQuitUntil', () => {
  it('cancels the quit, stops once, then quits for real', async () => {
    const { app, willQuit } = fakeApp();
    let finish!: () => void;
    const stop = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    holdQuitUntil(app, stop, vi.fn());
    expect(willQuit()).toBe(true);
    expect(willQuit()).toBe(true); // asked again while stopping: still held, not stopped twice
    expect(stop).toHaveBeenCalledOnce();
    expect(app.quit).not.toHaveBeenCalled();
    finish();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledOnce());
    expect(willQuit()).toBe(false);
  });

  it('quits even when stopping fails, and reports it', async () => {
    const { app, willQuit } = fakeApp();
    const onStopFailed = vi.fn();
    holdQuitUntil(app, () => Promise.reject(new Error('disk gone')), onStopFailed);
    willQuit();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledOnce());
    expect(onStopFailed).toHaveBeenCalledWith(new Error('disk gone'));
  });
});
