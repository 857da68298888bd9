/**
 * Real headless Chromium (Debian's, at /usr/bin/chromium) for the browser tests, driven by
 * playwright-core. Without Chromium a browser test is skipped, unless PARTNERPLANE_REQUIRE_CHROMIUM=1
 * (as in CI), which makes a missing Chromium a failure.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const STEP_TIMEOUT_MS = 15_000;

const chromiumRequired = process.env.PARTNERPLANE_REQUIRE_CHROMIUM === '1';

/** The `skip` option of a browser test's describe: why it cannot run here, or false. */
export const chromiumSkip = !existsSync(CHROMIUM) && !chromiumRequired ? `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium); skipping the browser test` : false;

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh browser profile of its own (cookies and all), removed again by close(). */
export async function launchChromium(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `PARTNERPLANE_REQUIRE_CHROMIUM=1 but ${CHROMIUM} is missing: apt-get install -y chromium`);
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'partnerplane-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
