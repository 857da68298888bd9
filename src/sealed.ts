/**
 * Sealed values: `<base64url JSON>.<base64url HMAC-SHA256>` under a server secret, for the tokens
 * and cookies the gateway and the console hand out. Each MAC covers a purpose label as well as the
 * payload, so a value sealed for one purpose can never be passed off as another. The MAC is
 * accepted only as seal() writes it (unpadded, unused bits zero): a decoder that forgives other
 * spellings of the same bytes would let one token be presented under several values.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const mac = (secret: string, purpose: string, payload: string) => createHmac('sha256', secret).update(`${purpose}\n${payload}`).digest();

export function seal(secret: string, purpose: string, claims: object): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${mac(secret, purpose, payload).toString('base64url')}`;
}

/** The claims if `text` was sealed with this secret for this purpose; otherwise undefined. */
export function unseal(secret: string, purpose: string, text: string): unknown {
  const [payload, signature, extra] = text.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(secret, purpose, payload).toString('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Equal-length digests make the comparison constant-time whatever the inputs' lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  const digest = (text: string) => createHmac('sha256', 'constant-time-compare').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}
