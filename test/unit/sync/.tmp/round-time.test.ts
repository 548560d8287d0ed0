import { it } from 'vitest';
import { SyncWorld } from '../sync-harness';
it('times rounds', async () => {
  const world = new SyncWorld({});
  await world.start();
  const a = await world.founder('a');
  await a.sync();
  const b = await world.joiner('b');
  const c = await world.joiner('c');
  for (let i = 0; i < 5; i++) {
    await a.record('x.txt', 'x' + i);
    let t = performance.now();
    await a.sync();
    const ta = performance.now() - t;
    t = performance.now();
    await b.sync();
    const tb = performance.now() - t;
    t = performance.now();
    await b.sync();
    const tb2 = performance.now() - t;
    console.log(`a ${ta.toFixed(0)} b ${tb.toFixed(0)} idle ${tb2.toFixed(0)}`);
  }
  await world.stop();
}, 60000);
