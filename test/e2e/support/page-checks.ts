/** Checks every UI spec makes: no page errors, no serious accessibility problems, screenshots. */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import path from 'node:path';
import { projectRoot } from '../../helpers/cli';

/** Collects uncaught errors and console errors; assert the list is empty at the end. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  return errors;
}

/** Fails on any serious or critical axe violation (in the current colour scheme). */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const described = serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(described, `accessibility of ${what}`).toEqual([]);
}

export const screenshotDir = path.join(projectRoot, 'test/e2e/screenshots');

/**
 * Screenshots the page in light and dark (the OS preference, which the app follows), checking
 * accessibility in both: contrast differs between the themes.
 */
export async function captureThemes(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await expectAccessible(page, `${name} (${scheme})`);
    await page.screenshot({ path: path.join(screenshotDir, `${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
