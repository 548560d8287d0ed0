/**
 * The Library and the artifact view against a real repository filled through the CLI: listing,
 * search and filters, the timeline, rollback, metadata, status with a real validator, restore,
 * live updates and the audit log.
 */
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs/promises';
import { captureThemes, watchPageErrors } from './support/page-checks';
import { makePng } from './support/png';
import { serve, type Served } from './support/serve';

interface Added {
  version: { id: string; number: number; sha256: string };
}

// The dataset type needs a header row: its validator is a real command the engine runs.
const typesYaml = `
types:
  dataset:
    extensions: [.csv]
    validator:
      command: [node, -e, "const text = require('fs').readFileSync(process.argv[1], 'utf8'); if (!text.startsWith('id,')) { console.error('missing header row: the first line must start with id,'); process.exit(3); } console.log('header ok');"]
      timeout: 30s
`;

let served: Served;
let notesV1: Added;

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1280, height: 800 } });

test.beforeAll(async () => {
  served = await serve('e2e-library', {
    prepare: async (dir, repo) => {
      await dir.write('vault/local/types.yaml', typesYaml);
      void repo;
    },
  });
  const { dir } = served;
  const notes = await dir.write('files/notes.txt', 'hello v1\n');
  notesV1 = await served.cliJson<Added>('add', notes, '-m', 'first draft');
  await dir.write('files/notes.txt', 'hello v2, with more words\n');
  await served.cli('add', notes, '-m', 'second draft');
  await served.cli('add', await dir.write('files/measurements.csv', '3,4\n5,6\n'));
  await served.cli('tag', 'measurements.csv', '--add', 'prod,q3');
  await dir.write('files/model-a/weights.bin', new Uint8Array(4096).fill(7));
  await dir.write('files/model-a/config.json', '{"layers": 4}\n');
  await served.cli('add', dir.join('files/model-a'), '--collection', 'models', '--type', 'model');
});

test.afterAll(async () => {
  await served?.stop();
});

const grid = (page: Page) => page.getByRole('grid', { name: 'Artifacts' });
const rows = (page: Page) => grid(page).locator('.grid-body [role="row"]');
const search = (page: Page) => page.getByRole('searchbox', { name: 'Search the library' });

async function openArtifact(page: Page, name: string) {
  await page.goto(served.at('#/library'));
  await search(page).fill(name);
  await expect(rows(page)).toHaveCount(1);
  await rows(page).first().click();
  await expect(page.getByTestId('artifact-name')).toHaveText(name);
}

test('the Library shows what the CLI added and finds it by name, tag, type, digest and collection', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto(served.at('#/library'));
  await expect(page.getByTestId('library-count')).toHaveText('3 artifacts');
  await expect(rows(page)).toHaveCount(3);
  await expect(rows(page).first()).toContainText('measurements.csv');
  await expect(grid(page).getByRole('row', { name: /notes\.txt/ })).toContainText('2');

  await search(page).fill('notes');
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('notes.txt');

  await search(page).fill(notesV1.version.sha256.slice(0, 10));
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('notes.txt');

  await search(page).fill('prod');
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('measurements.csv');

  await search(page).fill('');
  await page.getByLabel('Type').selectOption('model');
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('model-a');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(rows(page)).toHaveCount(3);

  await page.getByRole('group', { name: 'Collections' }).getByRole('button', { name: /models/ }).click();
  await expect(rows(page)).toHaveCount(1);
  await page.getByRole('group', { name: 'Collections' }).getByRole('button', { name: /All collections/ }).click();

  await page.getByLabel('Sort by').selectOption('size:desc');
  await expect(rows(page).first()).toContainText('model-a');
  await page.getByLabel('Sort by').selectOption('name:asc');

  await captureThemes(page, 'library');

  // Keyboard: the grid is one tab stop; arrows move, Enter opens.
  await grid(page).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(rows(page).nth(2)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('artifact-name')).toHaveText('notes.txt');
  expect(errors).toEqual([]);
});

test('the timeline shows every version, and rollback adds a new one with the old content', async ({ page }) => {
  const errors = watchPageErrors(page);
  await openArtifact(page, 'notes.txt');
  const timeline = page.getByRole('listbox', { name: 'Versions, newest first' });
  await expect(timeline.getByRole('option')).toHaveCount(2);
  await expect(timeline.getByRole('option').first()).toContainText('v2');
  await expect(timeline.getByRole('option').first()).toContainText('current');
  await expect(timeline.getByRole('option').first()).toContainText('second draft');

  // Arrow keys walk through history.
  await timeline.focus();
  await page.keyboard.press('ArrowDown');
  await expect(timeline.getByRole('option', { name: /v1/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('version-sha256')).toHaveText(notesV1.version.sha256);

  await page.getByRole('button', { name: 'Roll back to v1' }).click();
  const dialog = page.getByRole('dialog', { name: 'Roll back to v1?' });
  await expect(dialog).toContainText('v3');
  await dialog.getByRole('button', { name: 'Roll back to v1' }).click();
  await expect(dialog).toHaveCount(0);

  await expect(timeline.getByRole('option')).toHaveCount(3);
  const newest = timeline.getByRole('option').first();
  await expect(newest).toContainText('v3');
  await expect(newest).toContainText('current');
  await expect(newest).toContainText('restored from v1');
  await expect(newest).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('version-sha256')).toHaveText(notesV1.version.sha256);

  // The engine agrees: three versions, the newest with v1's content.
  const log = await served.cliJson<{ versions: { number: number; sha256: string }[] } | { number: number; sha256: string }[]>('log', 'notes.txt');
  const versions = Array.isArray(log) ? log : log.versions;
  expect(versions.map((v) => v.number)).toEqual([1, 2, 3]);
  expect(versions[2]?.sha256).toBe(notesV1.version.sha256);

  await page.getByRole('button', { name: 'Compare…' }).click();
  const compare = page.getByRole('dialog', { name: 'Compare versions of notes.txt' });
  // Options are newest first: v3, v2, v1. "From" starts at the previous version, v2.
  await expect(compare.getByTestId('compare-verdict')).toContainText('Different content');
  await compare.getByLabel('From', { exact: true }).selectOption({ index: 2 });
  await expect(compare.getByTestId('compare-verdict')).toContainText('Identical content');
  await page.keyboard.press('Escape');
  await expect(compare).toHaveCount(0);

  await captureThemes(page, 'artifact');
  expect(errors).toEqual([]);
});

test('tags, details, lineage and status with a real validator are edited from the artifact view', async ({ page }) => {
  await openArtifact(page, 'measurements.csv');
  await page.getByLabel('New tag').fill('reviewed');
  await page.getByRole('button', { name: 'Add tag' }).click();
  await expect(page.getByRole('list', { name: 'Tags' })).toContainText('reviewed');
  await page.getByRole('button', { name: 'Remove tag q3' }).click();
  await expect(page.getByRole('list', { name: 'Tags' })).not.toContainText('q3');

  await page.getByLabel('Description').fill('Quarterly measurements, raw.');
  await page.getByLabel('License').fill('CC-BY-4.0');
  await page.getByRole('button', { name: 'Save details' }).click();
  await expect(page.locator('.description')).toHaveText('Quarterly measurements, raw.');
  await expect(page.locator('.subtitle')).toContainText('CC-BY-4.0');

  // The dataset validator refuses a file without a header row: the version is blocked, and
  // the validator's own words are shown.
  await page.getByRole('button', { name: 'Submit for verification' }).click();
  const validation = page.getByTestId('validation');
  await expect(validation).toContainText('Failed');
  await expect(validation).toContainText('missing header row');
  await expect(page.getByTestId('version-panel').locator('.badge').first()).toHaveText('Blocked');

  // A fixed file passes and is published.
  await served.cli('add', await served.dir.write('files/measurements.csv', 'id,value\n3,4\n'), '-m', 'add the header row');
  const timeline = page.getByRole('listbox', { name: 'Versions, newest first' });
  await expect(timeline.getByRole('option')).toHaveCount(2);
  await timeline.getByRole('option').first().click();

  // Lineage (before publishing: a published version's links are frozen with it).
  await page.getByLabel('Other version').fill('notes.txt@v1');
  await page.getByRole('button', { name: 'Add link' }).click();
  const graph = page.getByRole('group', { name: /Lineage of measurements\.csv v2/ });
  await expect(graph.getByRole('link', { name: 'Open default/notes.txt@v1' })).toBeVisible();

  await page.getByRole('button', { name: 'Submit for verification' }).click();
  await expect(validation).toContainText('Passed');
  await expect(page.getByTestId('version-panel').locator('.badge').first()).toHaveText('Published');
  await captureThemes(page, 'artifact-published');

  await graph.getByRole('link', { name: 'Open default/notes.txt@v1' }).click();
  await expect(page.getByTestId('artifact-name')).toHaveText('notes.txt');
});

test('Restore to… writes a version into a folder', async ({ page }) => {
  await openArtifact(page, 'notes.txt');
  await page.getByRole('listbox', { name: 'Versions, newest first' }).getByRole('option', { name: /v2/ }).click();
  await page.getByRole('button', { name: 'Restore to…' }).click();
  const dialog = page.getByRole('dialog', { name: /Restore notes\.txt v2/ });
  const target = served.dir.join('restored');
  await dialog.getByLabel('Target folder').fill(target);
  await dialog.getByLabel(/Restore although v2 is not published/).check();
  await dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Restored v2' })).toBeVisible();
  expect(await fs.readFile(`${target}/notes.txt`, 'utf8')).toBe('hello v2, with more words\n');
});

test('a version added while the page is open appears without a reload', async ({ page }) => {
  await page.goto(served.at('#/library'));
  await expect(rows(page)).toHaveCount(3);
  await served.cli('add', await served.dir.write('files/later.md', '# Later\n'));
  await expect(rows(page)).toHaveCount(4);
  await expect(grid(page).getByRole('row', { name: /later\.md/ })).toBeVisible();
});

test('Activity shows the audit log of what happened', async ({ page }) => {
  await page.goto(served.at('#/activity'));
  const audit = page.getByTestId('audit-log');
  await expect(audit).toContainText('Rolled back');
  await expect(audit).toContainText('Tags changed');
  await expect(audit).toContainText('Validator ran');
  await expect(audit.locator('.audit-failed')).toContainText('failed');
  await captureThemes(page, 'activity-with-history');
});

test('Compare shows images side by side, binary files by size and reuse, and Preview one version', async ({ page }) => {
  const errors = watchPageErrors(page);
  const picture = await served.dir.write('files/picture.png', makePng(160, 120, [40, 90, 160], { colour: [240, 200, 40], x: 20, y: 20, size: 40 }));
  await served.cli('add', picture);
  await served.dir.write('files/picture.png', makePng(160, 120, [40, 90, 160], { colour: [220, 60, 60], x: 90, y: 50, size: 50 }));
  await served.cli('add', picture, '-m', 'move the square');

  await openArtifact(page, 'picture.png');
  await page.getByRole('button', { name: 'Compare…' }).click();
  const compare = page.getByRole('dialog', { name: 'Compare versions of picture.png' });
  const images = compare.getByTestId('image-pair').getByRole('img');
  await expect(images).toHaveCount(2);
  await expect(images.first()).toHaveAttribute('alt', 'picture.png in v1');
  await expect(images.first()).toHaveAttribute('src', /^blob:/);
  // Loaded from the object URL (the CSP allows blob: images and nothing remote).
  await expect.poll(() => images.evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).naturalWidth))).toEqual([160, 160]);
  await expect(compare.getByTestId('compare-reuse')).toContainText("of v2's bytes");
  await captureThemes(page, 'artifact-compare-image');
  await page.keyboard.press('Escape');

  // A bundle: the changed binary file first, compared by size, digest and stored bytes.
  await served.dir.write('files/model-a/weights.bin', new Uint8Array(4096).fill(9));
  await served.cli('add', served.dir.join('files/model-a'), '--collection', 'models', '--type', 'model');
  await openArtifact(page, 'model-a');
  await page.getByRole('button', { name: 'Compare…' }).click();
  const bundle = page.getByRole('dialog', { name: 'Compare versions of model-a' });
  await expect(bundle.getByLabel(/^File/)).toHaveValue('weights.bin');
  await expect(bundle.getByLabel(/^File/)).toContainText('config.json (unchanged)');
  await expect(bundle).toContainText('weights.bin is not text or an image');
  await expect(bundle.getByTestId('file-summary')).toContainText('4.0 KiB');
  await expect(bundle.getByTestId('compare-reuse')).toContainText('are shared with v1');
  await captureThemes(page, 'artifact-compare-binary');
  await bundle.getByLabel(/^File/).selectOption('config.json');
  await expect(bundle.getByTestId('content-same')).toContainText('identical in v1 and v2');
  await expect(bundle.getByRole('region', { name: 'config.json in v2' })).toContainText('"layers": 4');
  await page.keyboard.press('Escape');

  // One version: Preview.
  await openArtifact(page, 'later.md');
  await page.getByRole('button', { name: 'Preview…' }).click();
  const preview = page.getByRole('dialog', { name: 'Preview of later.md v1' });
  await expect(preview.getByRole('region', { name: 'later.md in v1' })).toContainText('# Later');
  expect(errors).toEqual([]);
});
