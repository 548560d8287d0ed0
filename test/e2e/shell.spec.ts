/**
 * The app shell on a fresh repository: the first-start steps, every view from the sidebar, the
 * keyboard, and the theme override.
 */
import { expect, test } from '@playwright/test';
import { captureThemes, expectAccessible, watchPageErrors } from './support/page-checks';
import { serve, type Served } from './support/serve';

let served: Served;

test.beforeAll(async () => {
  served = await serve('e2e-shell');
});

test.afterAll(async () => {
  await served?.stop();
});

test.use({ viewport: { width: 1280, height: 800 } });

const views = [
  { link: 'Library', heading: 'Library', shot: 'library-empty' },
  { link: 'Folders', heading: 'Folders', shot: 'folders' },
  { link: 'Endpoints & Backup', heading: 'Endpoints & Backup', shot: 'endpoints-empty' },
  { link: 'Activity', heading: 'Activity', shot: 'activity' },
  { link: 'Settings', heading: 'Settings', shot: 'settings' },
];

test('a first start explains the two first steps', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto(served.openUrl.toString());
  const welcome = page.getByTestId('welcome');
  await expect(welcome.getByRole('heading', { name: 'Welcome to Cairn' })).toBeVisible();
  await expect(welcome.getByRole('heading', { name: 'Add a folder' })).toBeVisible();
  await expect(welcome.getByRole('heading', { name: /Add an endpoint/ })).toBeVisible();
  await welcome.getByRole('button', { name: 'Add an endpoint' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Endpoints & Backup' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('every view opens from the sidebar, accessible in light and dark', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto(served.openUrl.toString());
  await expect(page.getByTestId('welcome')).toBeVisible();
  for (const view of views) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: view.link }).click();
    await expect(page.getByRole('heading', { level: 1, name: view.heading })).toBeVisible();
    await expect(page.getByRole('link', { name: view.link })).toHaveAttribute('aria-current', 'page');
    await captureThemes(page, view.shot);
  }
  // Back returns to the previous view (the route lives in the address).
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('the keyboard reaches everything: sidebar arrows, "/" for search, Escape closes dialogs', async ({ page }) => {
  await page.goto(served.at('#/library'));
  await expect(page.getByTestId('welcome')).toBeVisible();

  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Library' }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(nav.getByRole('link', { name: 'Folders' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Endpoints & Backup' })).toBeVisible();

  await page.locator('main').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('/');
  await expect(page.getByRole('searchbox', { name: 'Search the library' })).toBeFocused();

  await page.getByRole('button', { name: 'Add endpoint' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add an endpoint' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Name')).toBeVisible();
  await expectAccessible(page, 'the add-endpoint dialog');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('the theme follows the OS until Settings overrides it, and the choice survives a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(served.at('#/settings'));
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await expect.poll(background).toBe('rgb(26, 27, 29)');

  await page.getByRole('radio', { name: 'Light' }).check();
  await expect.poll(background).toBe('rgb(246, 246, 243)');
  await page.reload();
  await expect(page.getByRole('radio', { name: 'Light' })).toBeChecked();
  await expect.poll(background).toBe('rgb(246, 246, 243)');

  await page.getByRole('radio', { name: 'Follow the system' }).check();
  await expect.poll(background).toBe('rgb(26, 27, 29)');
});

test('Settings shows this device and the repository', async ({ page }) => {
  await page.goto(served.at('#/settings'));
  await expect(page.getByTestId('repository-location')).toHaveText(served.repo);
  await expect(page.getByTestId('device-name')).not.toBeEmpty();
  await expect(page.getByTestId('replica-phase')).toHaveText('ready');
});
