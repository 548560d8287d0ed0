/**
 * Endpoints & Backup against real servers: an unreachable URL fails "Test connection" with plain
 * messages; an s3rver bucket takes a one-click backup (with progress and cancel), shows it in
 * the history, and passes Verify.
 */
import { expect, test, type Page } from '@playwright/test';
import crypto from 'node:crypto';
import net from 'node:net';
import { startS3rver, type S3rverInstance } from '../helpers/s3rver';
import { captureThemes, watchPageErrors } from './support/page-checks';
import { serve, type Served } from './support/serve';

let served: Served;
let s3: S3rverInstance;

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1280, height: 860 } });

test.beforeAll(async () => {
  served = await serve('e2e-endpoints');
  s3 = await startS3rver({ buckets: ['vault-backup'] });
  // Incompressible content, so the backup has bytes worth a progress bar.
  await served.cli('add', await served.dir.write('files/weights.bin', crypto.randomBytes(600_000)));
  await served.cli('add', await served.dir.write('files/readme.md', '# Model\n'));
});

test.afterAll(async () => {
  await served?.stop();
  await s3?.stop();
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// s3rver's built-in credentials.
const accessKey = 'S3RVER';
const secretKey = 'S3RVER';

async function addEndpoint(page: Page, fields: { name: string; url: string; bucket: string; limit?: string }) {
  await page.getByRole('button', { name: /Add (your first )?endpoint/ }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add an endpoint' });
  await dialog.getByLabel('Name', { exact: true }).fill(fields.name);
  await dialog.getByLabel('Endpoint URL').fill(fields.url);
  await dialog.getByLabel('Bucket', { exact: true }).fill(fields.bucket);
  await dialog.getByLabel('Access key ID').fill(accessKey);
  await dialog.getByLabel('Secret access key').fill(secretKey);
  if (fields.limit) await dialog.getByLabel('Bandwidth limit (MB/s)').fill(fields.limit);
  await dialog.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(dialog).toHaveCount(0);
  return page.getByTestId(`endpoint-${fields.name}`);
}

test('an unreachable endpoint fails "Test connection" with a plain message', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto(served.at('#/endpoints'));
  await expect(page.getByRole('heading', { name: 'No endpoints yet' })).toBeVisible();
  const port = await closedPort();
  const card = await addEndpoint(page, { name: 'nowhere', url: `http://127.0.0.1:${port}`, bucket: 'backups' });

  // Saving runs the test by itself; each check says what failed in words.
  const checks = card.getByTestId('health-check');
  await expect(checks.getByRole('alert')).toHaveText('Connection failed.', { timeout: 20_000 });
  await expect(checks.locator('li.check-failed').first()).toContainText(`Cannot reach http://127.0.0.1:${port}`);
  await expect(checks.locator('li.check-failed').first()).toContainText('Check the URL');
  await expect(checks.locator('li').filter({ hasText: 'Credentials' })).toContainText('Not checked: an earlier check failed.');

  // Running it again from the button gives the same plain answer.
  await card.getByRole('button', { name: 'Test connection' }).click();
  await expect(checks.getByRole('alert')).toHaveText('Connection failed.', { timeout: 20_000 });
  await captureThemes(page, 'endpoints-failing-test');

  await card.getByRole('button', { name: 'Remove' }).click();
  await expect(card).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('one click backs up to an S3 bucket with live progress, cancel, history and verify', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto(served.at('#/endpoints'));
  // 0.1 MB/s: slow enough to watch the progress bar and to cancel.
  const card = await addEndpoint(page, { name: 'local-s3', url: s3.endpoint, bucket: 'vault-backup', limit: '0.1' });
  await expect(card.getByTestId('health-check').getByRole('status')).toHaveText('Connection works.', { timeout: 20_000 });
  await expect(card).toContainText('97.7 KiB/s at most');

  await card.getByRole('button', { name: 'Back up now' }).click();
  const progress = card.getByRole('progressbar', { name: 'Backup' });
  await expect(progress).toBeVisible();
  await expect(card.getByTestId('backup-progress')).toContainText(/objects/, { timeout: 15_000 });
  await expect(card.getByTestId('backup-progress')).toContainText(/ of \d+\.\d KiB · \d+ of \d+ objects/);
  await captureThemes(page, 'endpoints-backup-running');
  await card.getByRole('button', { name: 'Cancel' }).click();
  await expect(card.getByText('Backup cancelled.')).toBeVisible();

  // Lift the limit (secrets are asked again: they are never shown) and back up for real.
  await card.getByRole('button', { name: 'Edit' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit endpoint local-s3' });
  await expect(dialog.getByLabel('Name', { exact: true })).toHaveValue('local-s3');
  await dialog.getByLabel('Access key ID').fill(accessKey);
  await dialog.getByLabel('Secret access key').fill(secretKey);
  await dialog.getByLabel('Bandwidth limit (MB/s)').fill('');
  await dialog.getByRole('button', { name: 'Save endpoint' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(card).toContainText('no limit');

  await card.getByRole('button', { name: 'Back up now' }).click();
  await expect(card.getByTestId('backup-result')).toContainText('Last backup:', { timeout: 30_000 });
  await expect(page.getByRole('status').filter({ hasText: 'Backup to "local-s3" finished' })).toBeVisible();

  await card.getByRole('button', { name: 'History' }).click();
  const history = card.getByRole('table');
  await expect(history.getByRole('row')).toHaveCount(3);
  await expect(history.getByRole('row').nth(1)).toContainText('ok');
  await expect(history.getByRole('row').nth(2)).toContainText('cancelled');

  await card.getByRole('button', { name: 'Verify' }).click();
  await expect(card.getByTestId('verify-result')).toContainText('Verified', { timeout: 30_000 });
  await captureThemes(page, 'endpoints');
  expect(errors).toEqual([]);
});

test('a published file gets a share link that downloads it until revoked, and shows where it is stored', async ({ page, request }) => {
  await served.cli('publish', 'readme.md');
  await page.goto(served.at('#/library'));
  await page.getByRole('searchbox', { name: 'Search the library' }).fill('readme');
  await page.getByRole('grid', { name: 'Artifacts' }).getByRole('row', { name: /readme\.md/ }).click();
  await expect(page.getByTestId('version-panel').locator('.badge').first()).toHaveText('Published');

  await page.getByRole('button', { name: 'Where is it stored?' }).click();
  const placement = page.getByRole('dialog', { name: /Where readme\.md v1 is stored/ });
  await expect(placement.getByTestId('placement')).toContainText('local-s3');
  await expect(placement.getByTestId('placement')).toContainText('holds it');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Share link…' }).click();
  const share = page.getByRole('dialog', { name: 'Share readme.md v1' });
  await share.getByLabel('Link expires after').selectOption({ label: '1 hour' });
  await share.getByRole('button', { name: 'Create link' }).click();
  const link = share.getByTestId('share-link').getByRole('textbox');
  await expect(link).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+\//, { timeout: 20_000 });
  const url = await link.inputValue();
  const download = await request.get(url);
  expect(download.status()).toBe(200);
  expect(await download.text()).toBe('# Model\n');
  await captureThemes(page, 'artifact-share');

  await share.getByRole('button', { name: 'Revoke' }).click();
  await expect(share.getByRole('listitem').first()).toContainText('revoked');
  expect((await request.get(url)).status()).not.toBe(200);
});
