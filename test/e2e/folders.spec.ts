/**
 * Watched folders through the UI against the engine's real watcher: add a folder, see its files
 * become versions (live, in the folder's activity and the Library), pause and resume, roll a
 * watched file back (written back to disk), and stop watching.
 */
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs/promises';
import { captureThemes, watchPageErrors } from './support/page-checks';
import { serve, type Served } from './support/serve';

let served: Served;

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1280, height: 860 } });

test.beforeAll(async () => {
  served = await serve('e2e-folders');
});

test.afterAll(async () => {
  await served?.stop();
});

const folderCard = (page: Page) => page.locator('[data-testid^="folder-"]').filter({ has: page.getByTestId('folder-state') });

test('a watched folder turns its files into versions, live', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchPageErrors(page);
  await served.dir.write('watched/notes.txt', 'first words\n');
  await served.dir.write('watched/data/table.csv', 'id,value\n1,2\n');

  await page.goto(served.at('#/folders'));
  await expect(page.getByRole('heading', { name: 'No watched folders yet' })).toBeVisible();
  await page.getByRole('button', { name: 'Add a folder' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Watch a folder' });
  await dialog.getByLabel('Folder', { exact: true }).fill(served.dir.join('watched'));
  await dialog.getByLabel('Collection').fill('notes');
  await dialog.getByRole('button', { name: 'Watch this folder' }).click();
  await expect(dialog).toHaveCount(0);

  const card = folderCard(page);
  await expect(card).toHaveCount(1);
  await expect(card.getByRole('heading', { level: 2 })).toHaveText(served.dir.join('watched'));
  await expect(card.getByTestId('folder-state')).toHaveText('watching', { timeout: 30_000 });
  await expect(card.getByTestId('folder-activity')).toContainText('New version of notes.txt', { timeout: 60_000 });
  await expect(card.getByTestId('folder-activity')).toContainText('New version of data/table.csv', { timeout: 60_000 });
  await captureThemes(page, 'folders-watching');

  // The Library has them, in the folder's collection.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
  await expect(page.getByRole('grid', { name: 'Artifacts' }).getByRole('row', { name: /notes\.txt/ })).toContainText('notes');

  // A change on disk becomes the next version while the artifact is open.
  await page.getByRole('grid', { name: 'Artifacts' }).getByRole('row', { name: /notes\.txt/ }).click();
  const timeline = page.getByRole('listbox', { name: 'Versions, newest first' });
  await expect(timeline.getByRole('option')).toHaveCount(1);
  await fs.writeFile(served.dir.join('watched/notes.txt'), 'second, longer words\n');
  await expect(timeline.getByRole('option')).toHaveCount(2, { timeout: 60_000 });

  // The diff between the two versions shows the changed line.
  await timeline.getByRole('option', { name: /v2/ }).click();
  await page.getByRole('button', { name: 'Compare…' }).click();
  const compare = page.getByRole('dialog', { name: 'Compare versions of notes.txt' });
  await expect(compare.getByLabel('From', { exact: true }).locator('option:checked')).toHaveText(/^v1 ·/);
  await expect(compare.getByLabel('To', { exact: true }).locator('option:checked')).toHaveText(/^v2 ·/);
  const diff = compare.getByRole('region', { name: 'Line changes to notes.txt from v1 to v2' });
  await expect(diff.locator('tr.diff-removed')).toHaveCount(1);
  await expect(diff.locator('tr.diff-removed')).toContainText('first words');
  await expect(diff.locator('tr.diff-added')).toHaveCount(1);
  await expect(diff.locator('tr.diff-added')).toContainText('second, longer words');
  await expect(compare.getByTestId('diff-stats')).toContainText('+1 −1 lines from v1 to v2');
  await expect(compare.getByTestId('compare-reuse')).toContainText("of v2's bytes were already stored before it");
  await captureThemes(page, 'artifact-compare');
  await page.keyboard.press('Escape');
  await expect(compare).toHaveCount(0);

  // Rolling a watched file back writes the old content back to disk.
  await timeline.getByRole('option', { name: /v1/ }).click();
  await page.getByRole('button', { name: 'Roll back to v1' }).click();
  await page.getByRole('dialog', { name: 'Roll back to v1?' }).getByRole('button', { name: 'Roll back to v1' }).click();
  await expect(timeline.getByRole('option')).toHaveCount(3);
  await expect(timeline.getByRole('option').first()).toContainText('restored from v1');
  await expect.poll(() => fs.readFile(served.dir.join('watched/notes.txt'), 'utf8'), { timeout: 30_000 }).toBe('first words\n');
  // …and the watcher does not take that write-back for a new change.
  await page.waitForTimeout(3000);
  await expect(timeline.getByRole('option')).toHaveCount(3);
  expect(errors).toEqual([]);
});

test('a folder can be paused, resumed, changed and no longer watched', async ({ page }) => {
  await page.goto(served.at('#/folders'));
  const card = folderCard(page);
  await card.getByRole('button', { name: 'Pause' }).click();
  await expect(card.getByTestId('folder-state')).toHaveText('paused');
  await card.getByRole('button', { name: 'Resume' }).click();
  await expect(card.getByTestId('folder-state')).toHaveText('watching', { timeout: 30_000 });

  await card.getByRole('button', { name: 'Settings…' }).click();
  const dialog = page.getByRole('dialog', { name: /Folder settings/ });
  await dialog.getByLabel('Sent for verification and published when they pass').check();
  await dialog.getByRole('button', { name: 'Add a rule' }).click();
  await dialog.getByLabel('Pattern 1', { exact: true }).fill('data/**');
  await dialog.getByLabel('Type for pattern 1').fill('dataset');
  await dialog.getByLabel('Ignore rules (one gitignore pattern per line)').fill('*.log\n# scratch files\nscratch/');
  await captureThemes(page, 'folders-settings');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(card).toContainText('verified and published when they pass');
  await expect(card).toContainText('data/** → dataset');
  await expect(card).toContainText('*.log, scratch/');

  // The folder's ignore rules keep matching files out of versioning.
  await served.dir.write('watched/debug.log', 'noise\n');
  await served.dir.write('watched/scratch/try.txt', 'noise\n');
  await served.dir.write('watched/kept.md', '# kept\n');
  await expect(card.getByTestId('folder-activity')).toContainText('New version of kept.md', { timeout: 60_000 });
  const log = await served.cliJson<{ artifacts: { name: string }[] }>('log', '--all');
  const names = log.artifacts.map((a) => a.name);
  expect(names.some((n) => n.endsWith('kept.md'))).toBe(true);
  expect(names.filter((n) => n.endsWith('debug.log') || n.endsWith('try.txt'))).toEqual([]);

  await card.getByRole('button', { name: 'Stop watching…' }).click();
  await page.getByRole('dialog', { name: 'Stop watching this folder?' }).getByRole('button', { name: 'Stop watching' }).click();
  await expect(card).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'No watched folders yet' })).toBeVisible();
});
