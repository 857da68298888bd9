/** The AWS JSON 1.1 request side: which operation (X-Amz-Target), and the body as JSON. */
import { serializationError, unknownOperation } from './errors.js';

/** Maps `<service>.<Operation>` (any case, e.g. `SageMaker.DescribePartnerApp`) to the operation's canonical name. */
export function operationResolver(service: string, names: readonly string[]): (target: string | undefined) => string {
  const prefix = `${service.toLowerCase()}.`;
  const byLowerCase = new Map(names.map((name) => [name.toLowerCase(), name]));
  return (target) => {
    if (!target) throw unknownOperation(`Missing X-Amz-Target header: expected ${service}.<Operation>.`);
    const lower = target.toLowerCase();
    const name = lower.startsWith(prefix) ? byLowerCase.get(lower.slice(prefix.length)) : undefined;
    if (!name) throw unknownOperation(`Unknown operation ${target}.`);
    return name;
  };
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
