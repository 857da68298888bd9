/**
 * One origin per app, in real headless Chromium (test/helpers/chromium.ts): a hostile app — an
 * --app-upstreams backend that serves script — is opened by someone signed in to the console and
 * to another app. Its script tries what any page's script can: read the console and its CSRF
 * token, create an app in the victim's account through the console, and read the other app's
 * page. Each attempt must fail, and the victim's account must be unchanged.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppPresignedUrlCommand, DescribePartnerAppCommand, ListPartnerAppsCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { Page } from 'playwright-core';
import { chromiumSkip, launchChromium, type Browser } from '../helpers/chromium.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createAvailableApp } from '../operations/support.js';

/** What the hostile page is told to go after: the console, and the other app's addresses and the text only its page holds. */
interface Targets {
  consoleUrl: string;
  siblingUrls: string[];
  siblingSecret: string;
}

/**
 * The hostile page's script: every attempt's outcome goes into the report, what it could read
 * included, and the page marks itself done. A failed fetch is what a browser gives a page for a
 * cross-origin answer it may not read.
 */
const ATTACK = String.raw`
const targets = JSON.parse(document.getElementById('targets').textContent);
const report = {};
const attempt = async (name, run) => {
  try {
    report[name] = { read: await run() };
  } catch (error) {
    report[name] = { error: String(error) };
  }
};
(async () => {
  let csrf;
  await attempt('console', async () => {
    const page = await (await fetch(targets.consoleUrl + '/console', { credentials: 'include' })).text();
    csrf = /name="csrf-token" content="([^"]+)"/.exec(page)?.[1];
    return page.slice(0, 500);
  });
  report.csrf = csrf ?? null;
  await attempt('create', async () => {
    const response = await fetch(targets.consoleUrl + '/console/api/CreatePartnerApp', {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf ?? '' },
      body: JSON.stringify({ Name: 'pwned', Type: 'comet', Tier: 'small', AuthType: 'IAM',
        ExecutionRoleArn: 'arn:aws:iam::123456789012:role/PartnerAppRole', ApplicationConfig: { AdminUsers: ['mallory'] } }),
    });
    return response.status + ' ' + (await response.text());
  });
  for (const [index, url] of targets.siblingUrls.entries()) {
    await attempt('sibling' + index, async () => (await (await fetch(url, { credentials: 'include' })).text()).slice(0, 2000));
  }
  report.sawSiblingSecret = JSON.stringify(report).includes(targets.siblingSecret);
  document.getElementById('report').textContent = JSON.stringify(report);
  document.body.dataset.done = 'yes';
})();
`;

/** The hostile backend: one page, whatever the path, carrying the targets it is given. */
async function startHostileBackend(): Promise<{ url: string; targets: Targets | undefined; close(): Promise<void> }> {
  const backend = {
    url: '',
    targets: undefined as Targets | undefined,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    req.resume();
    const page = `<!doctype html><title>Totally normal app</title><h1>Hello</h1>
<script type="application/json" id="targets">${JSON.stringify(backend.targets)}</script>
<pre id="report"></pre><script>${ATTACK}</script>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  backend.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return backend;
}

async function presignedUrl(client: SageMakerClient, Arn: string): Promise<string> {
  return (await client.send(new CreatePartnerAppPresignedUrlCommand({ Arn }))).Url!;
}

interface Report {
  console: { read?: string; error?: string };
  csrf: string | null;
  create: { read?: string; error?: string };
  sawSiblingSecret: boolean;
  [sibling: `sibling${number}`]: { read?: string; error?: string };
}

describe('a hostile app page in headless Chromium', { skip: chromiumSkip }, () => {
  let hostile: Awaited<ReturnType<typeof startHostileBackend>>;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let report: Report;

  before(async () => {
    hostile = await startHostileBackend();
    server = await startTestServer({ appUpstreams: { comet: new URL(hostile.url) } });
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await hostile?.close();
  });

  test('is opened by someone signed in to the console and to another app', async () => {
    const client = server.client();
    const [attacker, sibling] = await Promise.all([createAvailableApp(client, { Type: 'comet' }), createAvailableApp(client, { Type: 'fiddler' })]);
    const { BaseUrl } = await client.send(new DescribePartnerAppCommand({ Arn: sibling }));
    const siblingId = sibling.slice(sibling.lastIndexOf('/') + 1);
    // The sibling's built-in page shows its ARN: text that only a page able to read it could report.
    hostile.targets = { consoleUrl: server.url, siblingUrls: [`${BaseUrl}/`, `${server.url}/gateway/${siblingId}/`], siblingSecret: sibling };

    await page.goto(`${server.url}/console`);
    await page.fill('input[name="accessKeyId"]', 'test');
    await page.fill('input[name="secretAccessKey"]', 'test');
    await page.click('button[type="submit"]');
    await page.waitForSelector('h2#apps-heading');
    await page.goto(await presignedUrl(client, sibling));
    assert.equal(await page.locator('[data-field="arn"]').innerText(), sibling, 'signed in to the other app');

    await page.goto(await presignedUrl(client, attacker));
    await page.waitForSelector('body[data-done="yes"]');
    report = JSON.parse(await page.locator('#report').innerText()) as Report;
  });

  test('cannot read the console, nor its CSRF token', () => {
    assert.equal(report.console.read, undefined, `the console's page was read: ${report.console.read}`);
    assert.match(report.console.error!, /TypeError: Failed to fetch/);
    assert.equal(report.csrf, null);
  });

  test("cannot create an app in the victim's account through the console", async () => {
    assert.equal(report.create.read, undefined, `the console answered the page: ${report.create.read}`);
    assert.match(report.create.error!, /TypeError: Failed to fetch/);
    const { Summaries } = await server.client().send(new ListPartnerAppsCommand({}));
    assert.deepEqual(
      Summaries!.filter((app) => app.Name === 'pwned'),
      [],
      'no app was created',
    );
  });

  test("cannot read the other app's page, at its origin or through the console's host", () => {
    assert.equal(report.sawSiblingSecret, false, JSON.stringify(report));
    for (const index of [0, 1] as const) {
      const outcome = report[`sibling${index}`];
      assert.equal(outcome.read, undefined, `sibling address ${index} was read: ${outcome.read}`);
      assert.match(outcome.error!, /TypeError: Failed to fetch/);
    }
  });
});
