import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActivityTracker, type ActivitySnapshot } from '../../../src-main/electron/activity-status';

const progress = (jobId: string, phase = 'reading', kind = 'snapshot') => ({ jobId, kind, phase, done: 1, total: 10 });
const log = (level: string, message: string) => ({ level, message, time: new Date(0).toISOString() });

let changes: ActivitySnapshot[];
let tracker: ActivityTracker;

beforeEach(() => {
  vi.useFakeTimers();
  changes = [];
  tracker = new ActivityTracker({ onChange: (s) => changes.push(s), quietMs: 1000 });
});
afterEach(() => {
  tracker.dispose();
  vi.useRealTimers();
});

describe('ActivityTracker', () => {
  it('starts idle', () => {
    expect(tracker.snapshot).toEqual({ status: 'idle', detail: 'Cairn: idle' });
  });

  it('is syncing while jobs report progress, and idle once they have been quiet', () => {
    tracker.observe('job.progress', progress('a'));
    expect(tracker.snapshot).toEqual({ status: 'syncing', detail: 'Cairn: snapshot, reading' });
    vi.advanceTimersByTime(900);
    tracker.observe('job.progress', progress('a'));
    vi.advanceTimersByTime(900);
    expect(tracker.snapshot.status).toBe('syncing');
    vi.advanceTimersByTime(200);
    expect(tracker.snapshot.status).toBe('idle');
    expect(changes.map((c) => c.status)).toEqual(['syncing', 'idle']);
  });

  it('publishes a change per phase or job count, not per progress event', () => {
    for (let i = 0; i < 50; i++) tracker.observe('job.progress', { ...progress('a'), done: i });
    tracker.observe('job.progress', progress('a', 'committing'));
    tracker.observe('job.progress', progress('b', 'packs', 'check'));
    expect(changes.map((c) => c.detail)).toEqual(['Cairn: snapshot, reading', 'Cairn: snapshot, committing', 'Cairn: check, packs (+1 more)']);
  });

  it('shows an error log as error until the person has seen it, above running jobs', () => {
    tracker.observe('engine.log', log('warn', 'slow endpoint'));
    expect(tracker.snapshot.status).toBe('idle');
    tracker.observe('engine.log', log('error', 'upload to s3://backup failed: 503'));
    expect(tracker.snapshot).toEqual({ status: 'error', detail: 'Cairn: error: upload to s3://backup failed: 503' });
    tracker.observe('job.progress', progress('a'));
    expect(tracker.snapshot.status).toBe('error');
    tracker.acknowledgeError();
    expect(tracker.snapshot.status).toBe('syncing');
    vi.advanceTimersByTime(1000);
    expect(tracker.snapshot.status).toBe('idle');
  });

  it('ignores events that say nothing about activity, and malformed payloads', () => {
    tracker.observe('engine.log', { level: 'error' });
    tracker.observe('job.progress', { jobId: 7 });
    tracker.observe('engine.log', log('info', 'hello'));
    expect(changes).toEqual([]);
  });

  it('keeps a long error message short in the tooltip', () => {
    tracker.observe('engine.log', log('error', 'x'.repeat(500)));
    expect(tracker.snapshot.detail.length).toBeLessThan(130);
  });
});
