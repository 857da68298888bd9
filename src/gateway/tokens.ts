/**
 * Presigned-URL tokens: an HMAC-signed statement "this app, until this time, for a session this
 * long", with a random id so that the gateway can admit each token once. The secret is shared by
 * every replica through the store.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface PresignedToken {
  /** The app the token opens. */
  arn: string;
  /** Epoch ms after which the URL no longer signs in. */
  expiresAt: number;
  /** Length of the session the sign-in starts. */
  sessionSeconds: number;
  /** Unique id, recorded when the token is used so it can be used only once. */
  id: string;
  /** The principal that asked for the URL; becomes the session's identity. */
  principal: string;
}

export const newGatewaySecret = () => randomBytes(32).toString('base64url');

const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest();

export function signToken(secret: string, token: Omit<PresignedToken, 'id'>): string {
  const payload = Buffer.from(JSON.stringify({ ...token, id: randomBytes(16).toString('base64url') })).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The token's claims if its signature is ours; says nothing yet about expiry or reuse. */
export function verifyToken(secret: string, text: string): PresignedToken | undefined {
  const [payload, signature, extra] = text.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  const expected = mac(secret, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as PresignedToken;
  } catch {
    return undefined;
  }
}

/** The gateway path that serves an app; BaseUrl and presigned URLs point under it. */
export const gatewayPath = (appId: string) => `/gateway/${appId}`;
