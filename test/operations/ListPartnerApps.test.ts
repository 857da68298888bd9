import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreatePartnerAppCommand,
  ListPartnerAppsCommand,
  paginateListPartnerApps,
  type PartnerAppSummary,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createInput, rejectsWith } from './support.js';

const APPS = 105;

let server: TestServer;
/** An account with APPS apps in us-east-1, oldest first, and one each elsewhere that it must not see. */
let client: SageMakerClient;
let created: string[];
before(async () => {
  server = await startTestServer({ maxAppsPerAccount: 1000 });
  const account = server.newAccount();
  client = server.client({ credentials: account });
  created = [];
  for (let batch = 0; batch < APPS; batch += 15) {
    // Batches in parallel; the order within a batch is whatever the server made it.
    const arns = await Promise.all(
      Array.from({ length: Math.min(15, APPS - batch) }, () => client.send(new CreatePartnerAppCommand(createInput())).then(({ Arn }) => Arn!)),
    );
    created.push(...arns);
  }
  await server.client({ credentials: account, region: 'eu-west-1' }).send(new CreatePartnerAppCommand(createInput()));
  await accountClient(server).send(new CreatePartnerAppCommand(createInput()));
});
after(() => server.close());

async function listAll(pageSize?: number): Promise<{ summaries: PartnerAppSummary[]; pages: number }> {
  const summaries: PartnerAppSummary[] = [];
  let pages = 0;
  for await (const page of paginateListPartnerApps({ client, pageSize }, {})) {
    pages++;
    assert.ok(page.Summaries!.length <= (pageSize ?? 10), `a page of ${page.Summaries!.length} for MaxResults ${pageSize}`);
    summaries.push(...page.Summaries!);
  }
  return { summaries, pages };
}

describe('serialization', () => {
  test('NextToken sent as a number is a SerializationException', async () => {
    const response = await rawRequest(server.url, 'ListPartnerApps', { body: { NextToken: 1 } });
    assert.deepEqual(response.json, { __type: 'SerializationException', message: 'class java.lang.Integer can not be converted to an String' });
  });
});

describe('pagination', () => {
  test(`the SDK paginator lists all ${APPS} apps of the account and region, each once, newest first`, async () => {
    const { summaries, pages } = await listAll(100);
    assert.equal(pages, 2);
    const arns = summaries.map((summary) => summary.Arn!);
    assert.equal(new Set(arns).size, arns.length, 'no app twice');
    assert.deepEqual([...arns].sort(), [...created].sort(), 'exactly the apps of this account and region');
    // Batches were created one after another, so a later batch comes before an earlier one.
    const batchOf = (arn: string) => Math.floor(created.indexOf(arn) / 15);
    for (let i = 1; i < arns.length; i++) assert.ok(batchOf(arns[i - 1]!) >= batchOf(arns[i]!), `${arns[i - 1]} listed before ${arns[i]}`);
    for (const summary of summaries) {
      assert.deepEqual(Object.keys(summary).sort(), ['Arn', 'CreationTime', 'Name', 'Status', 'Type']);
      assert.ok(summary.CreationTime instanceof Date);
    }
  });

  test('every MaxResults from 1 to 100 pages through the same list, each page at most MaxResults long', async () => {
    const { summaries: reference } = await listAll(100);
    for (const pageSize of [1, 7, 50, 99]) {
      const { summaries, pages } = await listAll(pageSize);
      assert.deepEqual(
        summaries.map((summary) => summary.Arn),
        reference.map((summary) => summary.Arn),
        `MaxResults ${pageSize}`,
      );
      assert.equal(pages, Math.ceil(APPS / pageSize));
    }
  });

  test('without MaxResults a page holds 10 apps, and the last page has no NextToken', async () => {
    const first = await client.send(new ListPartnerAppsCommand({}));
    assert.equal(first.Summaries!.length, 10);
    assert.ok(first.NextToken);
    const { pages } = await listAll();
    assert.equal(pages, Math.ceil(APPS / 10));
    const last = await client.send(new ListPartnerAppsCommand({ MaxResults: 100, NextToken: (await client.send(new ListPartnerAppsCommand({ MaxResults: 100 }))).NextToken }));
    assert.equal(last.Summaries!.length, APPS - 100);
    assert.equal(last.NextToken, undefined);
  });

  test('apps created while paging neither repeat nor hide the apps already there', async () => {
    const account = server.newAccount();
    const own = server.client({ credentials: account });
    const before: string[] = [];
    for (let i = 0; i < 5; i++) before.push((await own.send(new CreatePartnerAppCommand(createInput()))).Arn!);
    const first = await own.send(new ListPartnerAppsCommand({ MaxResults: 2 }));
    await own.send(new CreatePartnerAppCommand(createInput()));
    const seen = first.Summaries!.map((summary) => summary.Arn!);
    let NextToken = first.NextToken;
    while (NextToken) {
      const page = await own.send(new ListPartnerAppsCommand({ MaxResults: 2, NextToken }));
      seen.push(...page.Summaries!.map((summary) => summary.Arn!));
      NextToken = page.NextToken;
    }
    assert.deepEqual(seen, [...before].reverse());
  });

  test('a NextToken this server did not give is a ValidationException', async () => {
    const forged = Buffer.from(JSON.stringify({ before: -1 })).toString('base64url');
    for (const NextToken of ['garbage', 'e30', forged]) {
      await rejectsWith(client.send(new ListPartnerAppsCommand({ NextToken })), {
        name: 'ValidationException',
        message: 'The NextToken is not valid. Pass the NextToken value returned by the previous ListPartnerApps call.',
      });
    }
  });

  test('an account with no apps gets an empty list', async () => {
    const { Summaries, NextToken } = await accountClient(server).send(new ListPartnerAppsCommand({}));
    assert.deepEqual(Summaries, []);
    assert.equal(NextToken, undefined);
  });
});
