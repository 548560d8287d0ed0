/**
 * Browser mode end to end: the built `cairn serve` as a child process, the built renderer in
 * Debian's Chromium, talking to the real engine over the WebSocket.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot, startCli, type CliProcess } from '../helpers/cli';
import { makeTempDir, type TempDir } from '../helpers/tmp';

const version = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
const screenshotPath = path.join(projectRoot, 'test/e2e/screenshots/status.png');

let dir: TempDir;
let repo: string;
let serve: CliProcess;
let openUrl: URL;
let baseUrl: string;

test.beforeAll(async () => {
  dir = await makeTempDir('e2e');
  repo = dir.join('vault');
  serve = startCli(['serve', '--port', '0', '--json', '--repo', repo], { entry: 'built' });
  const printed = (await serve.waitForJson()) as { url: string; repositoryPath: string };
  expect(printed.repositoryPath).toBe(repo);
  openUrl = new URL(printed.url);
  baseUrl = openUrl.origin;
});

test.afterAll(async () => {
  const exit = await serve?.stop('SIGTERM');
  await dir?.remove();
  expect(exit?.code).toBe(0);
});

/** Opens a WebSocket from the page and reports whether the server let it open. */
function socketOutcome(page: Page, url: string): Promise<'open' | 'refused'> {
  return page.evaluate(
    (target) =>
      new Promise<'open' | 'refused'>((resolve) => {
        const ws = new WebSocket(target);
        ws.onopen = () => {
          ws.close();
          resolve('open');
        };
        ws.onclose = () => resolve('refused');
      }),
    url,
  );
}

test('the status view shows the running engine', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`${message.text()} (${message.location().url})`);
  });

  // The engine status lives in Settings (the app opens on the Library).
  const settingsUrl = new URL(openUrl);
  settingsUrl.hash = '#/settings';
  await page.goto(settingsUrl.toString());
  await expect(page.getByRole('heading', { name: 'Engine status' })).toBeVisible();
  await expect(page.getByTestId('status-version')).toHaveText(version);
  await expect(page.getByTestId('status-repository')).toHaveText(repo);
  await expect(page.getByText('browser · open')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  // The token is taken out of the address bar once the page has it.
  expect(new URL(page.url()).searchParams.has('token')).toBe(false);

  // It survives a reload: the token is kept for this tab.
  await page.reload();
  await expect(page.getByTestId('status-version')).toHaveText(version);

  const accessibility = await new AxeBuilder({ page }).analyze();
  expect(accessibility.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  await page.setViewportSize({ width: 1000, height: 640 });
  await page.screenshot({ path: screenshotPath });
  expect(pageErrors).toEqual([]);
});

test('a page opened without the token says so', async ({ page }) => {
  await page.goto(`${baseUrl}/`);
  await expect(page.getByRole('alert')).toContainText('access token is missing or stale');
  await expect(page.getByTestId('status-version')).toHaveCount(0);
  await expect(page.getByText('browser · unauthorized')).toBeVisible();
});

test('the WebSocket refuses a page without the right token', async ({ page }) => {
  await page.goto(`${baseUrl}/`);
  const wsBase = baseUrl.replace(/^http/, 'ws');
  expect(await socketOutcome(page, `${wsBase}/rpc`)).toBe('refused');
  expect(await socketOutcome(page, `${wsBase}/rpc?token=not-the-token`)).toBe('refused');
  expect(await socketOutcome(page, `${wsBase}/rpc?token=${openUrl.searchParams.get('token')}`)).toBe('open');
});
