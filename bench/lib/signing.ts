/**
 * Builds complete HTTP/1.1 requests signed with SigV4 the way the AWS SDK signs them, ahead of a
 * round, so that the load generator only replays bytes and signing costs nothing while measuring.
 * Every request gets its own amz-sdk-invocation-id (signed), so no two are the same.
 */
import { randomUUID } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Endpoint {
  hostname: string;
  port: number;
}

/** The documented local pair. */
export const BENCH_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const BENCH_REGION = 'us-east-1';

const signer = new SignatureV4({ service: 'sagemaker', region: BENCH_REGION, credentials: BENCH_CREDENTIALS, sha256: Hash.bind(null, 'sha256') });

export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

/** A SageMaker JSON 1.1 call, signed now (valid for the next 15 minutes). */
export async function signCall(endpoint: Endpoint, operation: string, input: object): Promise<SignedRequest> {
  const body = JSON.stringify(input);
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: endpoint.hostname,
    port: endpoint.port,
    path: '/',
    headers: {
      host: `${endpoint.hostname}:${endpoint.port}`,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `SageMaker.${operation}`,
      'amz-sdk-invocation-id': randomUUID(),
      'amz-sdk-request': 'attempt=1; max=3',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  });
  const signed = await signer.sign(request);
  return { headers: { ...signed.headers, 'user-agent': 'partnerplane-bench' }, body };
}

/** The request as it goes on the wire. */
export function wireText({ headers, body }: SignedRequest): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `POST / HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

export interface Answer {
  status: number;
  body: string;
}

/** Sends one signed call and reads the whole answer (for set-up and the paging walk, not rounds). */
export async function call(endpoint: Endpoint, operation: string, input: object): Promise<Answer> {
  const { headers, body } = await signCall(endpoint, operation, input);
  const { host: _host, ...sent } = headers;
  const response = await fetch(`http://${endpoint.hostname}:${endpoint.port}/`, { method: 'POST', headers: sent, body });
  return { status: response.status, body: await response.text() };
}

/** Like call(), but a non-2xx answer is an error: set-up must not go on from a failed call. */
export async function callOk(endpoint: Endpoint, operation: string, input: object): Promise<any> {
  const answer = await call(endpoint, operation, input);
  if (answer.status >= 300) throw new Error(`${operation} answered ${answer.status}: ${answer.body}`);
  return JSON.parse(answer.body || '{}');
}
