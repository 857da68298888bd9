/**
 * The gateway's session cookie, which an admitted presigned URL (domain/presignedUrl.ts) turns
 * into: "this identity, on this app, until this time", sealed with the gateway secret for a
 * purpose of its own, so that a presigned token pasted into a cookie cannot pass for a session that
 * skips the single-use check.
 */
import { identityOf, isRecord, type GatewayIdentity } from '../domain/presignedUrl.js';
import { seal, unseal } from '../sealed.js';

export interface GatewaySession extends GatewayIdentity {
  /** The app the session is for; any other app refuses it. */
  arn: string;
  /** Epoch ms at which the session ends. */
  expiresAt: number;
}

export const signSession = (secret: string, session: GatewaySession): string => seal(secret, 'session', session);

/** The session if the cookie value is one we signed; says nothing yet about expiry or app. */
export function verifySession(secret: string, text: string): GatewaySession | undefined {
  const claims = unseal(secret, 'session', text);
  const identity = isRecord(claims) ? identityOf(claims) : undefined;
  if (!identity) return undefined;
  const { arn, expiresAt } = claims as Record<string, unknown>;
  if (typeof arn !== 'string' || typeof expiresAt !== 'number') return undefined;
  return { arn, expiresAt, ...identity };
}
