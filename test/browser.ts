// Headless Chromium for the browser tests: Debian's `chromium` (/usr/bin/chromium, or
// GANSPEC_CHROMIUM) driven by playwright-core, which never downloads a browser. A missing
// Chromium is a failure with the reason, locally and in CI, never a silent pass.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.GANSPEC_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why the browser tests cannot run here, or null when Chromium is installed. */
export function chromiumMissing(path = CHROMIUM, env: Record<string, string | undefined> = process.env): string | null {
  if (existsSync(path)) return null;
  return env.CI === 'true'
    ? `chromium not found at ${path} (CI=true): .ci/run installs it with apt-get install -y chromium; the browser tests need it`
    : 'chromium not found: apt-get install chromium';
}

/** A fresh browser with its own profile folder; close() also removes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const profile = mkdtempSync(join(tmpdir(), 'ganspec-chromium-'));
  // launchPersistentContext passes the profile as --user-data-dir (launch() refuses that flag).
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A new page that collects console errors and uncaught page errors into `errors`. */
export async function pageWithErrors(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('pageerror', (e) => void errors.push(e.message));
  return { page, errors };
}
