/**
 * Who is calling, read from the SigV4 Authorization header's credential
 * (`Credential=<access key>/<date>/<region>/<service>/aws4_request`). The signature itself is
 * not checked yet. An access key of twelve digits is taken as the account id, as LocalStack does;
 * any other key belongs to the default account.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Caller } from '../operations/context.js';

export const DEFAULT_ACCOUNT_ID = '000000000000';
export const DEFAULT_REGION = 'us-east-1';

const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\/[^/,\s]+\/aws4_request/;

export function callerFromHeaders(headers: IncomingHttpHeaders): Caller {
  const match = CREDENTIAL.exec(headers.authorization ?? '');
  const accessKeyId = match?.[1] ?? 'anonymous';
  const accountId = /^\d{12}$/.test(accessKeyId) ? accessKeyId : DEFAULT_ACCOUNT_ID;
  return {
    accountId,
    region: match?.[2] ?? DEFAULT_REGION,
    accessKeyId,
    principal: `arn:aws:iam::${accountId}:user/${accessKeyId}`,
  };
}
