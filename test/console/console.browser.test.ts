/**
 * The console in real headless Chromium (test/helpers/chromium.ts): sign in, create, watch Creating
 * turn Available, update, open through the gateway, delete, sign out. Screenshots go to test-output/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppCommand, DescribePartnerAppCommand, ListPartnerAppsCommand } from '@aws-sdk/client-sagemaker';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumSkip, launchChromium, type Browser } from '../helpers/chromium.js';
import { startTestServer, waitForStatus, type TestServer } from '../helpers/server.js';

const OUTPUT_DIR = path.resolve('test-output');
/** Long enough for the page to show Creating, Updating and Deleting before they end. */
const VISIBLE_TRANSITION_MS = 2500;

describe('the web console in headless Chromium', { skip: chromiumSkip }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    server = await startTestServer({ createDelayMs: VISIBLE_TRANSITION_MS, updateDelayMs: VISIBLE_TRANSITION_MS, deleteDelayMs: VISIBLE_TRANSITION_MS, failCreate: /^broken/ });
    // Apps made with the SDK before the page opens: the table shows every app of the account.
    const sdk = server.client();
    const made = (['deepchecks-llm-evaluation', 'lakera-guard'] as const).map(async (Type, index) => {
      const Name = ['brokenapp', 'guardrails'][index]!;
      const { Arn } = await sdk.send(new CreatePartnerAppCommand({ Name, Type, Tier: 'small', ExecutionRoleArn: 'arn:aws:iam::123456789012:role/PartnerAppRole', AuthType: 'IAM' }));
      await waitForStatus(() => sdk.send(new DescribePartnerAppCommand({ Arn })), ['Available', 'Failed']);
    });
    await Promise.all(made);
    browser = await launchChromium();
    context = browser.context;
    page = context.pages()[0] ?? (await context.newPage());
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const row = (name: string, status?: string) => page.locator(`tr[data-name="${name}"]${status ? `[data-status="${status}"]` : ''}`);

  test('sign in keeps no secret in the page', async () => {
    await page.goto(`${server.url}/console`);
    await page.fill('input[name="accessKeyId"]', 'test');
    await page.fill('input[name="secretAccessKey"]', 'wrong');
    await page.click('button[type="submit"]');
    assert.match(await page.locator('.error').innerText(), /not valid/);

    await page.fill('input[name="secretAccessKey"]', 'test');
    await page.click('button[type="submit"]');
    await page.waitForSelector('h2#apps-heading');
    assert.equal(await page.locator('#apps-heading').innerText(), 'Partner AI apps in us-east-1');

    assert.ok(!(await page.content()).includes('secretAccessKey'), 'the apps page has no secret field');
    assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0);
    const [cookie] = await context.cookies(`${server.url}/console`);
    assert.equal(cookie?.httpOnly, true);
    assert.equal(cookie?.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie), '', 'page scripts cannot read the session cookie');
  });

  test('apps made elsewhere are listed, a Failed one with its reason', async () => {
    assert.equal(await row('guardrails', 'Available').count(), 1);
    assert.equal(await row('brokenapp', 'Failed').count(), 1);
    assert.match(await row('brokenapp').locator('.reason').innerText(), /^\w+: .+/);
    assert.equal(await row('brokenapp').locator('button[data-action="open"]').isDisabled(), true);
  });

  test('the create form shows the API\'s own validation message', async () => {
    const input = { Name: 'my app', Type: 'comet', Tier: 'small', ExecutionRoleArn: 'arn:aws:iam::123456789012:role/PartnerAppRole', AuthType: 'IAM' } as const;
    const sdkError = await server.client().send(new CreatePartnerAppCommand(input)).then(
      () => assert.fail('the SDK call was accepted'),
      (error: Error) => error,
    );
    await page.fill('#create-form input[name="Name"]', input.Name);
    await page.selectOption('#create-form select[name="Type"]', input.Type);
    await page.fill('#create-form input[name="Tier"]', input.Tier);
    await page.fill('#create-form input[name="ExecutionRoleArn"]', input.ExecutionRoleArn);
    await page.click('#create-form button[type="submit"]');
    const alert = page.locator('#create-form .error');
    await alert.waitFor({ state: 'visible' });
    assert.equal(await alert.innerText(), `${sdkError.name}: ${sdkError.message}`);
  });

  test('an app created in the form goes from Creating to Available in the table', async () => {
    await page.fill('#create-form input[name="Name"]', 'consoleapp');
    await page.fill('#create-form input[name="MaintenanceWindowStart"]', 'Sun:02:00');
    // A comet app needs a root admin user (docs/behaviour.md); the form takes them comma-separated.
    await page.fill('#create-form input[name="AdminUsers"]', 'ada, grace');
    await page.click('#create-form button[type="submit"]');
    await row('consoleapp', 'Creating').waitFor();
    assert.equal(await page.locator('#create-form .error').isHidden(), true);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'console-creating.png') });
    await row('consoleapp', 'Available').waitFor();
    const cells = await row('consoleapp').locator('td').allInnerTexts();
    assert.deepEqual(cells.slice(0, 5), ['consoleapp', 'comet', 'small', 'Available', '1.1']);
    const { Summaries } = await server.client().send(new ListPartnerAppsCommand({}));
    const created = Summaries!.find((summary) => summary.Name === 'consoleapp')!;
    assert.deepEqual((await server.client().send(new DescribePartnerAppCommand({ Arn: created.Arn }))).ApplicationConfig, { AdminUsers: ['ada', 'grace'] });
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'console-available.png') });
  });

  test('update changes the tier and maintenance window through Updating', async () => {
    await row('consoleapp').locator('button[data-action="edit"]').click();
    const dialog = page.locator('#edit-dialog');
    assert.equal(await dialog.locator('input[name="MaintenanceWindowStart"]').inputValue(), 'Sun:02:00');
    await dialog.locator('input[name="Tier"]').fill('medium');
    await dialog.locator('input[name="MaintenanceWindowStart"]').fill('Someday');
    await dialog.locator('button[type="submit"]').click();
    // The answer arrives after the click: wait for the message, then check all of it.
    const error = dialog.locator('.error').filter({ hasText: 'ValidationException' });
    await error.waitFor();
    assert.match(await error.innerText(), /^ValidationException: .*Value 'Someday' at 'maintenanceConfig.maintenanceWindowStart'/);

    await dialog.locator('input[name="MaintenanceWindowStart"]').fill('Wed:04:30');
    await dialog.locator('button[type="submit"]').click();
    await row('consoleapp', 'Updating').waitFor();
    await row('consoleapp', 'Available').waitFor();
    assert.equal(await row('consoleapp').getAttribute('data-tier'), 'medium');
    assert.equal(await row('consoleapp').getAttribute('data-window'), 'Wed:04:30');
  });

  test("Open asks for a presigned URL and opens the app at its own origin", async () => {
    const [appPage] = await Promise.all([context.waitForEvent('page'), row('consoleapp').locator('button[data-action="open"]').click()]);
    await appPage.waitForURL(/^http:\/\/app-[a-z0-9]{12}\.localhost:\d+\/$/);
    await appPage.waitForLoadState();
    assert.match(await appPage.locator('h1').innerText(), /consoleapp/);
    assert.equal(await appPage.evaluate(() => window.opener), null, 'the app cannot reach back into the console');
    await appPage.screenshot({ path: path.join(OUTPUT_DIR, 'console-open.png') });
    await appPage.close();
  });

  test('the table fits a phone-width screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
    assert.equal(await page.locator('table.apps thead').isVisible(), false, 'rows are shown as labelled cards');
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'console-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('delete asks for confirmation, then the app goes through Deleting to Deleted', async () => {
    await row('consoleapp').locator('button[data-action="delete"]').click();
    const dialog = page.locator('#delete-dialog');
    assert.equal(await dialog.locator('.app-name').innerText(), 'consoleapp');
    await dialog.locator('button[value="cancel"]').click();
    assert.equal(await dialog.isVisible(), false);
    assert.equal(await row('consoleapp').getAttribute('data-status'), 'Available', 'cancel deletes nothing');

    await row('consoleapp').locator('button[data-action="delete"]').click();
    await dialog.locator('button[type="submit"]').click();
    await row('consoleapp', 'Deleting').waitFor();
    await row('consoleapp', 'Deleted').waitFor();
    assert.equal(await row('consoleapp').locator('button').count(), 0, 'a deleted app offers no actions');
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'console-deleted.png') });
  });

  test('sign out ends the session', async () => {
    await page.click('#sign-out');
    await page.waitForSelector('input[name="secretAccessKey"]');
    const response = await page.request.get(`${server.url}/console/rows`);
    assert.equal(response.status(), 401);
  });
});
