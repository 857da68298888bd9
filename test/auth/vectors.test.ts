/**
 * The public SigV4 test vectors (test/auth/vectors, see SOURCE.md) through verifyRequest: every
 * signed request is accepted, and the same request with its signature, body or clock disturbed is
 * refused with AWS's error.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseCredentials, type Credentials } from '../../src/auth/credentials.js';
import { verifyRequest, type RawRequest } from '../../src/auth/sigv4.js';
import { ServiceError } from '../../src/protocol/errors.js';

const VECTORS = path.join(import.meta.dirname, 'vectors');

interface Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  region: string;
  service: string;
  timestamp: string;
}

interface Vector {
  name: string;
  request: RawRequest;
  context: Context;
}

/** `METHOD target HTTP/1.1`, `Name:value` lines, a blank line, the body: the request as sent. */
function parseRequest(text: string): RawRequest {
  const blank = text.indexOf('\n\n');
  const [requestLine, ...headerLines] = text.slice(0, blank).split('\n');
  const method = requestLine!.slice(0, requestLine!.indexOf(' '));
  const url = requestLine!.slice(method.length + 1, requestLine!.lastIndexOf(' HTTP/'));
  const headers: Record<string, string[]> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    (headers[line.slice(0, colon).toLowerCase()] ??= []).push(line.slice(colon + 1).trim());
  }
  return { method, url, headers, body: Buffer.from(text.slice(blank + 2)) };
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Context;

/**
 * The presigned vectors repeat their X-Amz-Date parameter as a header outside the signature, which
 * the server refuses (every x-amz-* header sent must be signed): they are run without it, and the
 * stored form is shown refused below.
 */
function withoutUnsignedAmzHeaders(request: RawRequest): RawRequest {
  const signed = new URLSearchParams(request.url.split('?')[1]).get('X-Amz-SignedHeaders')?.split(';');
  if (!signed) return request;
  return { ...request, headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => !name.startsWith('x-amz-') || signed.includes(name))) };
}

const storedQueryVector = (name: string) => parseRequest(fs.readFileSync(path.join(VECTORS, name, 'query-signed-request.txt'), 'utf8'));

const vectors: Vector[] = fs
  .readdirSync(VECTORS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((dir) => {
    const folder = path.join(VECTORS, dir.name);
    const ownContext = path.join(folder, 'context.json');
    const context = readJson(fs.existsSync(ownContext) ? ownContext : path.join(VECTORS, 'context.json'));
    return ['header-signed-request.txt', 'query-signed-request.txt']
      .filter((file) => fs.existsSync(path.join(folder, file)))
      .map((file) => ({ name: `${dir.name}/${file}`, context, request: withoutUnsignedAmzHeaders(parseRequest(fs.readFileSync(path.join(folder, file), 'utf8'))) }));
  });

/** The vector's key as a credentials file entry, loaded by the server's own loader. */
function credentialsOf(context: Context, overrides: { sessionToken?: string | null } = {}): Credentials {
  const { access_key_id, secret_access_key, token } = context.credentials;
  const sessionToken = overrides.sessionToken === null ? undefined : (overrides.sessionToken ?? token);
  const entry = { accessKeyId: access_key_id, secretAccessKey: secret_access_key, accountId: '123456789012', sessionToken };
  return parseCredentials(JSON.stringify({ accessKeys: [entry] }), 'vectors', []);
}

const signedAt = (vector: Vector) => Date.parse(vector.context.timestamp);
const verify = (vector: Vector, request = vector.request, now = signedAt(vector), credentials = credentialsOf(vector.context)) =>
  verifyRequest(request, credentials, { now, service: vector.context.service });

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => assert.fail('the request was accepted'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof ServiceError, `expected a ServiceError, got ${String(error)}`);
  return error;
}

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** The request with the last hex digit of its signature changed. */
function withAlteredSignature({ url, headers, ...rest }: RawRequest): RawRequest {
  const flip = (text: string) => text.replace(/([0-9a-f])$/, (digit) => (digit === '0' ? '1' : '0'));
  if (url.includes('X-Amz-Signature=')) return { ...rest, headers, url: url.replace(/(X-Amz-Signature=[0-9a-f]+)/, (match) => flip(match)) };
  const [authorization] = headers.authorization as string[];
  return { ...rest, url, headers: { ...headers, authorization: [flip(authorization!)] } };
}

test('the suite has header and query vectors to run', () => {
  assert.ok(vectors.filter((vector) => vector.name.endsWith('header-signed-request.txt')).length >= 15);
  assert.ok(vectors.filter((vector) => vector.name.endsWith('query-signed-request.txt')).length >= 4);
});

describe('every vector is accepted as signed', () => {
  for (const vector of vectors) {
    test(vector.name, async () => {
      const caller = await verify(vector);
      assert.deepEqual(caller, {
        accountId: '123456789012',
        region: vector.context.region,
        accessKeyId: 'AKIDEXAMPLE',
        principal: 'arn:aws:iam::123456789012:user/AKIDEXAMPLE',
        sessionName: 'AKIDEXAMPLE',
      });
    });
  }
});

describe('a vector whose signature was altered is an InvalidSignatureException', () => {
  for (const vector of vectors) {
    test(vector.name, async () => {
      const error = await rejection(verify(vector, withAlteredSignature(vector.request)));
      assert.equal(error.code, 'InvalidSignatureException');
      assert.equal(error.message, SIGNATURE_MISMATCH);
      assert.equal(error.statusCode, 400);
    });
  }
});

const named = (name: string) => vectors.find((vector) => vector.name === name)!;

test('a signed body changed in transit is refused, with or without a declared payload hash', async () => {
  const vector = named('post-x-www-form-urlencoded/header-signed-request.txt');
  const tampered = { ...vector.request, body: Buffer.from('Param1=value2') };
  assert.equal((await rejection(verify(vector, tampered))).message, SIGNATURE_MISMATCH);
  const { 'x-amz-content-sha256': _declared, ...undeclared } = tampered.headers;
  assert.equal((await rejection(verify(vector, { ...tampered, headers: undeclared }))).code, 'InvalidSignatureException');
});

test('a header vector is accepted up to 15 minutes either side of its signing time, and not beyond', async () => {
  const vector = named('post-vanilla/header-signed-request.txt');
  const minute = 60_000;
  await verify(vector, vector.request, signedAt(vector) + 15 * minute);
  await verify(vector, vector.request, signedAt(vector) - 15 * minute);
  const late = await rejection(verify(vector, vector.request, signedAt(vector) + 15 * minute + 1000));
  assert.equal(late.code, 'InvalidSignatureException');
  assert.equal(late.message, 'Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T125101Z - 15 min.)');
  const early = await rejection(verify(vector, vector.request, signedAt(vector) - 15 * minute - 1000));
  assert.equal(early.message, 'Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T122059Z + 15 min.)');
});

test('a presigned vector is accepted for its X-Amz-Expires (3600 s) and refused after it', async () => {
  const vector = named('post-vanilla/query-signed-request.txt');
  await verify(vector, vector.request, signedAt(vector) + 3600_000);
  const error = await rejection(verify(vector, vector.request, signedAt(vector) + 3601_000));
  assert.equal(error.message, 'Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T133601Z - 60 min.)');
});

test('a presigned vector as stored, its X-Amz-Date header outside the signature, is refused naming the header', async () => {
  const vector = named('post-vanilla/query-signed-request.txt');
  assert.ok(storedQueryVector('post-vanilla').headers['x-amz-date'], 'the stored vector has the header');
  const error = await rejection(verify(vector, storedQueryVector('post-vanilla')));
  assert.equal(error.code, 'InvalidSignatureException');
  assert.equal(error.message, 'There were headers present in the request which were not signed: x-amz-date');
});

test('the session-token vector needs the key to have exactly that token', async () => {
  const vector = named('get-vanilla-with-session-token/header-signed-request.txt');
  for (const sessionToken of [null, 'another-token']) {
    const error = await rejection(verify(vector, vector.request, signedAt(vector), credentialsOf(vector.context, { sessionToken })));
    assert.equal(error.code, 'UnrecognizedClientException');
    assert.equal(error.message, 'The security token included in the request is invalid.');
  }
  const plain = named('post-vanilla/header-signed-request.txt');
  const tokenRequired = credentialsOf(vector.context, { sessionToken: 'a-token' });
  assert.equal((await rejection(verify(plain, plain.request, signedAt(plain), tokenRequired))).code, 'UnrecognizedClientException');
});

test('a vector signed for another service is refused with the scope named', async () => {
  const vector = named('post-vanilla/header-signed-request.txt');
  const error = await rejection(verifyRequest(vector.request, credentialsOf(vector.context), { now: signedAt(vector) }));
  assert.equal(error.code, 'InvalidSignatureException');
  assert.equal(error.message, "Credential should be scoped to correct service: 'sagemaker'.");
});
