// The Library at scale: a real engine and `cairn serve`'s HTTP/WebSocket host in this process,
// its manifest seeded with 100k versions, and the built renderer in Debian's Chromium. Measures,
// with the browser's Performance API:
// - cold open: the replica fetches and materialises the whole catalogue (first visit);
// - warm open: a reload reads the local copy (IndexedDB) — the Library's first render;
// - scrolling the virtualised table: frame times, long tasks, rows not yet loaded;
// - search and sort latency.
//
//   npx electron-vite build && node --import tsx bench/ui.ts [--versions 100000] [--artifacts 10000] [--no-write]
//
// Writes the "ui" section of bench/RESULTS.md (unless --no-write).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import * as Y from 'yjs';
import { Catalogue } from '../src-main/engine/catalogue/catalogue';
import { Engine } from '../src-main/engine/engine';
import { startServer } from '../src-main/server/server';
import { machineInfo, sourceRevision } from './lib/machine-info';
import { writeResultsSection } from './lib/results-section';
import { syntheticVersion } from './lib/synthetic-versions';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const versionCount = Number(flag('versions') ?? 100_000);
const artifactCount = Number(flag('artifacts') ?? 10_000);
const write = !process.argv.includes('--no-write');
/** Print the main thread's hottest functions during the smooth scroll (CPU profile over CDP). */
const profile = process.argv.includes('--profile');

/** The catalogue built in a scratch document, as one Yjs update (another device's history). */
async function seedUpdate(): Promise<Uint8Array> {
  const doc = new Y.Doc();
  const catalogue = new Catalogue({ doc, deviceId: 'be'.repeat(16), commit: async () => {}, host: 'bench' });
  for (let i = 0; i < versionCount; i += 1) {
    await catalogue.addVersion(syntheticVersion(i, artifactCount, 'bench'));
  }
  return Y.encodeStateAsUpdateV2(doc);
}

interface ScrollStats {
  frames: number;
  meanMs: number;
  p95Ms: number;
  maxMs: number;
  over33: number;
  longTasks: number;
  longTaskMs: number;
  placeholderFrames: number;
  rowsPassed: number;
}

/**
 * Scrolls the grid `pxPerFrame` per animation frame and records every frame's duration. The
 * in-page code is a plain string: tsx would otherwise wrap its functions in helpers the page lacks.
 */
const scrollSource = `({ pxPerFrame, frames }) => new Promise((resolve) => {
  const body = document.querySelector('[data-testid="library-scroller"]');
  const tasks = [];
  const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries()));
  observer.observe({ type: 'longtask', buffered: false });
  const deltas = [];
  let placeholderFrames = 0;
  let last = performance.now();
  const startTop = body.scrollTop;
  // Track the position here: reading scrollTop every frame would force a layout the app never asks for.
  let position = startTop;
  let n = 0;
  const step = (now) => {
    deltas.push(now - last);
    last = now;
    if (body.querySelector('.cell-loading')) placeholderFrames += 1;
    if (n++ >= frames) {
      observer.disconnect();
      const sorted = deltas.slice(1).sort((a, b) => a - b);
      resolve({
        frames: sorted.length,
        meanMs: sorted.reduce((s, d) => s + d, 0) / sorted.length,
        p95Ms: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
        maxMs: sorted[sorted.length - 1] ?? 0,
        over33: sorted.filter((d) => d > 33.4).length,
        longTasks: tasks.length,
        longTaskMs: tasks.reduce((s, t) => s + t.duration, 0),
        placeholderFrames,
        rowsPassed: Math.round((body.scrollTop - startTop) / 36),
      });
      return;
    }
    position += pxPerFrame;
    body.scrollTop = position;
    requestAnimationFrame(step);
  };
  requestAnimationFrame((now) => { last = now; requestAnimationFrame(step); });
})`;

function scroll(page: Page, pxPerFrame: number, frames: number): Promise<ScrollStats> {
  return page.evaluate(`(${scrollSource})(${JSON.stringify({ pxPerFrame, frames })})`) as Promise<ScrollStats>;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

function printHotFunctions(cpu: CpuProfile): void {
  const byId = new Map(cpu.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  cpu.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const name = frame ? `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}` : '?';
    self.set(name, (self.get(name) ?? 0) + (cpu.timeDeltas[i] ?? 0) / 1000);
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
  console.log('main thread during the smooth scroll, self time (ms):');
  for (const [name, ms] of top) console.log(`  ${ms.toFixed(0).padStart(6)}  ${name}`);
}

/** ms from navigation start to the Library's first rows, and to the full count. */
async function openTimes(page: Page, expected: string): Promise<{ firstRowsMs: number; countMs: number }> {
  await page.waitForFunction(() => performance.getEntriesByName('library-first-rows').length > 0, null, { timeout: 600_000, polling: 50 });
  await page.waitForFunction((text) => document.querySelector('[data-testid="library-count"]')?.textContent === text, expected, { timeout: 600_000, polling: 50 });
  const countMs = await page.evaluate(() => performance.now());
  const firstRowsMs = await page.evaluate(() => performance.getEntriesByName('library-first-rows')[0]?.startTime ?? -1);
  return { firstRowsMs, countMs };
}

/** Time from a change in the page until the first row's name satisfies `test`. */
async function timeUntilFirstRow(page: Page, act: () => Promise<void>, expectText: string): Promise<number> {
  const started = await page.evaluate(() => performance.now());
  await act();
  await page.waitForFunction(
    (text) => (document.querySelector('[data-testid="library-scroller"] .cell-name')?.textContent ?? '').includes(text),
    expectText,
    { timeout: 60_000, polling: 'raf' },
  );
  return (await page.evaluate(() => performance.now())) - started;
}

async function main() {
  const loadAtStart = os.loadavg()[0]?.toFixed(1);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'cairn-bench-ui-'));
  const engine = new Engine({ repositoryPath: path.join(work, 'vault'), createIfMissing: true, lock: { purpose: 'bench/ui.ts' } });
  await engine.start();
  const browser = await chromium.launch({ executablePath: process.env.CAIRN_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    let t = performance.now();
    const update = await seedUpdate();
    const seedMs = performance.now() - t;
    const manifest = engine.vault.manifest;
    if (!manifest) throw new Error('the engine opened no manifest');
    Y.applyUpdateV2(manifest.doc, update);
    await manifest.flush();
    console.log(`seeded ${versionCount} versions over ${artifactCount} artifacts in ${(seedMs / 1000).toFixed(1)} s (update ${(update.length / 1e6).toFixed(1)} MB)`);

    const server = await startServer({ engine, rendererDir: path.join(root, 'out/renderer'), port: 0 });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    const expected = `${artifactCount.toLocaleString('en-US')} artifacts`;

    t = performance.now();
    await page.goto(server.openUrl);
    const cold = await openTimes(page, expected);
    console.log(`cold open (fetch + materialise into IndexedDB): first rows ${cold.firstRowsMs.toFixed(0)} ms, all ${expected} ${cold.countMs.toFixed(0)} ms`);
    await page.waitForFunction(() => performance.getEntriesByName('replica-state-stored').length > 0, null, { timeout: 600_000, polling: 100 });
    const phases = (await page.evaluate(
      `['replica-state-asked', 'replica-state-received', 'replica-state-stored'].map((name) => performance.getEntriesByName(name)[0]?.startTime ?? -1)`,
    )) as number[];
    console.log('replica phases (ms since navigation): asked, received, everything stored in IndexedDB:', phases.map((p) => p.toFixed(0)).join(', '));

    const warmRuns: { firstRowsMs: number; countMs: number }[] = [];
    for (let i = 0; i < 3; i += 1) {
      await page.reload();
      warmRuns.push(await openTimes(page, expected));
    }
    const warm = warmRuns.sort((a, b) => a.firstRowsMs - b.firstRowsMs)[1] as { firstRowsMs: number; countMs: number };
    console.log(`warm open (from the local copy), median of 3: first rows ${warm.firstRowsMs.toFixed(0)} ms after navigation start`);
    const heapMB = await page.evaluate(() => ((performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0) / 1e6);

    await page.waitForTimeout(1000);
    const cdp = profile ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const smooth = await scroll(page, 40, 300);
    if (cdp) printHotFunctions(((await cdp.send('Profiler.stop')) as { profile: CpuProfile }).profile);
    const fling = await scroll(page, 4000, 120);
    console.log('scroll 40 px/frame', smooth);
    console.log('fling 4000 px/frame', fling);

    const wanted = `artifact-${String(Math.floor(artifactCount * 0.4242)).padStart(6, '0')}`;
    const searchMs = await timeUntilFirstRow(page, () => page.getByRole('searchbox', { name: 'Search the library' }).fill(wanted), wanted);
    await page.getByRole('searchbox', { name: 'Search the library' }).fill('');
    await page.waitForTimeout(500);
    const sizeSortMs = await timeUntilFirstRow(page, () => page.getByLabel('Sort by').selectOption('size:desc').then(() => undefined), 'artifact-');
    console.log(`search (incl. 120 ms typing debounce) ${searchMs.toFixed(0)} ms; sort by size ${sizeSortMs.toFixed(0)} ms`);
    if (errors.length > 0) console.log('page errors:', errors);

    const m = machineInfo();
    const fmt = (n: number) => n.toFixed(1);
    const body = `## UI: the Library at scale

${versionCount.toLocaleString('en-US')} versions over ${artifactCount.toLocaleString('en-US')} artifacts (20 collections), seeded into a real engine's manifest; the built renderer in Chromium (headless, no GPU) against \`cairn serve\`'s host in the same process, viewport 1280×800. ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, source ${sourceRevision(root)}.
Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average ${loadAtStart} when the run began and ${os.loadavg()[0]?.toFixed(1)} at its end (other work shared the machine: times are upper bounds).

| measurement | value |
| --- | ---: |
| Cold open: first rows on screen (fetch \`manifest.state\`, materialise to IndexedDB) | ${cold.firstRowsMs.toFixed(0)} ms |
| Cold open: Library complete (${expected}) | ${cold.countMs.toFixed(0)} ms |
| Cold open: replica caught up — every version row and the Yjs state stored | ${(phases[2] ?? -1).toFixed(0)} ms |
| **Warm open (reload, from the local copy): first rows on screen**, median of 3 | **${warm.firstRowsMs.toFixed(0)} ms** |
| JS heap after warm open | ${heapMB.toFixed(0)} MB |
| Scroll 40 px/frame, ${smooth.frames} frames: mean / p95 / max frame | ${fmt(smooth.meanMs)} / ${fmt(smooth.p95Ms)} / ${fmt(smooth.maxMs)} ms |
| … frames over 33 ms; long tasks (total) | ${smooth.over33}; ${smooth.longTasks} (${smooth.longTaskMs.toFixed(0)} ms) |
| … frames showing a not-yet-loaded row | ${smooth.placeholderFrames} of ${smooth.frames} |
| Fling 4000 px/frame (${fling.rowsPassed.toLocaleString('en-US')} rows in ${fling.frames} frames): mean / p95 / max frame | ${fmt(fling.meanMs)} / ${fmt(fling.p95Ms)} / ${fmt(fling.maxMs)} ms |
| … frames over 33 ms; long tasks (total) | ${fling.over33}; ${fling.longTasks} (${fling.longTaskMs.toFixed(0)} ms) |
| … frames showing a not-yet-loaded row | ${fling.placeholderFrames} of ${fling.frames} |
| Search "${wanted}" until the row shows (includes the 120 ms typing debounce) | ${searchMs.toFixed(0)} ms |
| Sort by size until the first row changes | ${sizeSortMs.toFixed(0)} ms |
`;
    console.log(body);
    if (write) await writeResultsSection(path.join(here, 'RESULTS.md'), `ui-${versionCount}-${artifactCount}`, body);
    await server.close();
  } finally {
    await browser.close();
    await engine.stop();
    await fs.rm(work, { recursive: true, force: true });
  }
}

await main();
