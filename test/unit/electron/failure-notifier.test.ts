import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FailureNotifier } from '../../../src-main/electron/failure-notifier';
import { FakeNotification } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

const error = (message: string) => ({ level: 'error', message, time: new Date(0).toISOString() });
let now = 0;
const onClick = vi.fn();
let notifier: FailureNotifier;

beforeEach(() => {
  FakeNotification.shown.length = 0;
  FakeNotification.isSupported.mockReturnValue(true);
  onClick.mockClear();
  now = 100_000;
  notifier = new FailureNotifier({ onClick, minIntervalMs: 10_000, now: () => now });
});

describe('FailureNotifier', () => {
  it('shows a native notification for an engine error, and opens the app on click', () => {
    notifier.observe('engine.log', error('backup to "office" failed: endpoint unreachable'));
    expect(FakeNotification.shown).toHaveLength(1);
    expect(FakeNotification.shown[0]!.options).toEqual({ title: 'Cairn: something failed', body: 'backup to "office" failed: endpoint unreachable' });
    FakeNotification.shown[0]!.emit('click');
    expect(onClick).toHaveBeenCalledOnce();
  });

  it('stays quiet for other levels and other events', () => {
    notifier.observe('engine.log', { level: 'warn', message: 'slow', time: '' });
    notifier.observe('job.progress', { jobId: 'a', kind: 'check', phase: 'packs', done: 0, total: 1 });
    expect(FakeNotification.shown).toHaveLength(0);
  });

  it('turns a burst of failures into one notification and a count on the next', () => {
    for (let i = 0; i < 5; i++) notifier.observe('engine.log', error(`failure ${i}`));
    expect(FakeNotification.shown).toHaveLength(1);
    now += 10_000;
    notifier.observe('engine.log', error('failure 5'));
    expect(FakeNotification.shown.map((n) => n.options.body)).toEqual(['failure 0', 'failure 5\n(4 more since the last notice)']);
  });

  it('does nothing where the OS has no notifications', () => {
    FakeNotification.isSupported.mockReturnValue(false);
    notifier.observe('engine.log', error('x'));
    expect(FakeNotification.shown).toHaveLength(0);
  });
});
