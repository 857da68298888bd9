/** The NextToken of Cloud Control's lists: opaque to callers, the position after the last item given. */
import { invalidNextToken } from '../protocol/cloudControlErrors.js';

export interface PageTokens {
  encode(before: number): string;
  decode(token: string): number;
}

/** Tokens fit the model's NextToken pattern ([-A-Za-z0-9+/=]+): base64 of the position. */
export function pageTokens(operation: string): PageTokens {
  return {
    encode: (before) => Buffer.from(JSON.stringify({ before })).toString('base64'),
    decode(token) {
      try {
        const { before } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { before?: unknown };
        if (typeof before === 'number' && Number.isSafeInteger(before) && before > 0) return before;
      } catch {
        // fall through to the error below
      }
      throw invalidNextToken(operation);
    },
  };
}
