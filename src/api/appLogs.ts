/**
 * `GET /logs/<app-id>[?follow=true][&tailBytes=N]`: what an app's backend wrote (stdout and stderr,
 * of its newest generation), for `partnerplane apps logs`. partnerplane's own API, beside
 * SageMaker's: a request signed with SigV4 for `sagemaker` in the app's region, by its account, with
 * the IAM action `sagemaker:GetPartnerAppLogs` (which `sagemaker:*` includes). The answer is
 * text/plain, streamed; with `follow` it stays open, passing on what is written, until the client
 * goes away. Refusals are AWS JSON errors, as the API's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { assertAllowed, type Credentials } from '../auth/credentials.js';
import { rawRequestOf, verifyRequest } from '../auth/sigv4.js';
import { appArn } from '../domain/partnerApp.js';
import type { Mount } from '../protocol/mounts.js';
import { resourceNotFound, validationError } from '../protocol/errors.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Store } from '../store/store.js';

export const GET_LOGS_ACTION = 'sagemaker:GetPartnerAppLogs';
const LOGS_PATH = /^\/logs\/(app-[A-Z0-9]{12})$/;

export interface AppLogsOptions {
  credentials: Credentials;
  store: Store;
  /** Absent with the builtin runtime: nothing runs, so there is no output. */
  runtime: Runtime | undefined;
}

export function appLogsMount(options: AppLogsOptions): Mount {
  return {
    name: 'logs',
    prefix: '/logs/',
    methods: ['GET'],
    handle: (req, res, requestId) => serveLogs(options, req, res, requestId),
  };
}

async function serveLogs({ credentials, store, runtime }: AppLogsOptions, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  res.setHeader('x-amzn-RequestId', requestId);
  const url = new URL(req.url ?? '/', 'http://logs.invalid');
  const appId = LOGS_PATH.exec(url.pathname)?.[1];
  const caller = await verifyRequest(rawRequestOf(req, new Uint8Array()), credentials);
  const arn = appArn(caller.region, caller.accountId, appId ?? 'app-?');
  if (!appId || !(await store.getApp(arn))) throw resourceNotFound(`Partner app ${arn} does not exist.`);
  assertAllowed(credentials, caller, GET_LOGS_ACTION, () => arn);
  if (!runtime) throw validationError('This server runs no backends (--app-runtime builtin: apps are its built-in page), so there is no output to show.');
  const tail = url.searchParams.get('tailBytes');
  if (tail !== null && !/^\d{1,12}$/.test(tail)) throw validationError(`tailBytes must be a whole number of bytes, got '${tail}'.`);
  const follow = url.searchParams.get('follow') === 'true';
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  for await (const chunk of runtime.logs(arn, { follow, signal: abort.signal, ...(tail !== null && { tailBytes: Number(tail) }) })) {
    if (abort.signal.aborted) break;
    if (!res.write(chunk)) await new Promise((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
  }
  res.end();
}
