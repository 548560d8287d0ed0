import { describe, expect, it } from 'vitest';
import { CairnError } from '../../../src-shared/errors';
import { PoolClosedError, PoolQueueFullError, TaskCancelledError, WorkerCrashedError } from '../../../src-main/engine/workers/pool-errors';
import { WorkerPool, type TaskReply, type TaskSpec } from '../../../src-main/engine/workers/worker-pool';

const entry = new URL('./fixtures/test-worker.ts', import.meta.url);

function task(payload: unknown, extra: Partial<TaskSpec> = {}): TaskSpec {
  return { label: `test task ${JSON.stringify(payload)}`, prepare: () => ({ payload }), ...extra };
}

/** A task that waits until released, so tests can fill the workers deterministically. */
function holdTask(id: string) {
  let release: TaskReply | null = null;
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const spec = task({ op: 'hold', id }, {
    onMessage: (_payload, reply) => {
      release = reply;
      started();
    },
  });
  return { spec, running, release: () => release?.('go') };
}

describe('WorkerPool', () => {
  it('runs tasks on workers and returns their results', async () => {
    const pool = await WorkerPool.create({ entry, size: 2, workerData: { flavour: 'mint' } });
    try {
      expect(pool.size).toBe(2);
      const results = await Promise.all([1, 2, 3, 4, 5].map((value) => pool.run(task({ op: 'echo', value }))));
      expect(results).toEqual([1, 2, 3, 4, 5].map((value) => ({ echoed: value, input: { flavour: 'mint' } })));
    } finally {
      await pool.close();
    }
  });

  it('revives errors with their code and hint', async () => {
    const pool = await WorkerPool.create({ entry, size: 1 });
    try {
      const error = await pool.run(task({ op: 'fail' })).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(CairnError);
      expect(error).toMatchObject({ code: 'CONFLICT', message: 'The test task failed on purpose.', hint: 'Nothing to do.' });
      await expect(pool.run(task({ op: 'throw-plain' }))).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('not a Cairn error') });
    } finally {
      await pool.close();
    }
  });

  it('lets a task and the main thread exchange messages', async () => {
    const pool = await WorkerPool.create({ entry, size: 1 });
    try {
      const total = await pool.run<number>(task({ op: 'chat', rounds: 5 }, { onMessage: (round, reply) => reply((round as number) * 10) }));
      expect(total).toBe(0 + 10 + 20 + 30 + 40);
    } finally {
      await pool.close();
    }
  });

  it('replaces a crashed worker and fails only its task', async () => {
    const pool = await WorkerPool.create({ entry, size: 1 });
    try {
      const crash = await pool.run(task({ op: 'crash' })).catch((err: unknown) => err);
      expect(crash).toBeInstanceOf(WorkerCrashedError);
      expect((crash as WorkerCrashedError).message).toMatch(/crashed while test task .*worker crashed on purpose/);
      expect(await pool.run(task({ op: 'echo', value: 'after' }))).toMatchObject({ echoed: 'after' });
      expect(pool.size).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('cancels a waiting task at once and asks a running one to stop', async () => {
    const pool = await WorkerPool.create({ entry, size: 1 });
    try {
      const running = new AbortController();
      let started!: () => void;
      const hasStarted = new Promise<void>((resolve) => (started = resolve));
      const first = pool.run(task({ op: 'until-cancelled' }, { signal: running.signal, onMessage: () => started() }));
      const waiting = new AbortController();
      const second = pool.run(task({ op: 'echo', value: 2 }, { signal: waiting.signal }));
      expect(pool.queued).toBe(1);
      waiting.abort();
      await expect(second).rejects.toBeInstanceOf(TaskCancelledError);
      await hasStarted;
      running.abort();
      await expect(first).rejects.toMatchObject({ code: 'CANCELLED', message: 'Stopped as asked.' });
      await expect(pool.run(task({ op: 'echo', value: 1 }, { signal: AbortSignal.abort() }))).rejects.toBeInstanceOf(TaskCancelledError);
    } finally {
      await pool.close();
    }
  });

  it('bounds its queue', async () => {
    const pool = await WorkerPool.create({ entry, size: 1, maxQueued: 2 });
    const hold = holdTask('a');
    const held = pool.run(hold.spec);
    await hold.running;
    const queued = [pool.run(task({ op: 'echo', value: 1 })), pool.run(task({ op: 'echo', value: 2 }))];
    await expect(pool.run(task({ op: 'echo', value: 3 }))).rejects.toBeInstanceOf(PoolQueueFullError);
    hold.release();
    expect(await held).toBe('a');
    expect(await Promise.all(queued)).toHaveLength(2);
    await pool.close();
  });

  it('finishes accepted work on close and refuses new work', async () => {
    const pool = await WorkerPool.create({ entry, size: 1 });
    const hold = holdTask('b');
    const held = pool.run(hold.spec);
    const queued = pool.run(task({ op: 'echo', value: 'queued' }));
    await hold.running;
    const closing = pool.close();
    await expect(pool.run(task({ op: 'echo', value: 'late' }))).rejects.toBeInstanceOf(PoolClosedError);
    hold.release();
    await closing;
    expect(await held).toBe('b');
    expect(await queued).toMatchObject({ echoed: 'queued' });
    expect(pool.size).toBe(0);
  });

  it('fails unfinished work on destroy', async () => {
    const pool = await WorkerPool.create({ entry, size: 1 });
    const hold = holdTask('c');
    const held = pool.run(hold.spec);
    const queued = pool.run(task({ op: 'echo', value: 'queued' }));
    await hold.running;
    const outcomes = Promise.all([expect(held).rejects.toBeInstanceOf(PoolClosedError), expect(queued).rejects.toBeInstanceOf(PoolClosedError)]);
    await pool.destroy();
    await outcomes;
  });

  it('reports workers that cannot start instead of retrying forever', async () => {
    await expect(WorkerPool.create({ entry, size: 1, workerData: { failSetup: true } })).rejects.toThrow(/failed to start: setup refused on purpose/);
  });
});
