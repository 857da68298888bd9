/** The AWS JSON 1.1 request side: which operation (X-Amz-Target), and the body as JSON. */
import type { IncomingMessage } from 'node:http';
import { serializationError, ServiceError, unknownOperation } from './errors.js';

const TARGET_PREFIX = 'sagemaker.';

/** Maps `SageMaker.<Operation>` (any case) to the operation's canonical name. */
export function operationResolver(names: readonly string[]): (target: string | undefined) => string {
  const byLowerCase = new Map(names.map((name) => [name.toLowerCase(), name]));
  return (target) => {
    if (!target) throw unknownOperation('Missing X-Amz-Target header: expected SageMaker.<Operation>.');
    const lower = target.toLowerCase();
    const name = lower.startsWith(TARGET_PREFIX) ? byLowerCase.get(lower.slice(TARGET_PREFIX.length)) : undefined;
    if (!name) throw unknownOperation(`Unknown operation ${target}.`);
    return name;
  };
}

export const bodyTooLarge = (limit: number) =>
  new ServiceError('RequestEntityTooLargeException', 413, `Request body is larger than the limit of ${limit} bytes.`);

/** Reads the whole body, refusing (without reading on) a body larger than `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(bodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * An empty body is `{}`, and so is a body of `null` (null means absent, for the input as for its
 * members); anything that is not JSON is a SerializationException.
 */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) ?? {};
  } catch (error) {
    throw serializationError(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}
