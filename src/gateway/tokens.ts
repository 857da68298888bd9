/**
 * The gateway's two signed credentials, both sealed (auth/sealed.ts) with the gateway secret, which
 * every replica shares through the store:
 * - the presigned-URL token: "this app, until this time, for a session this long", with a random
 *   id so that the gateway can admit each token once;
 * - the session cookie the token turns into: "this identity, on this app, until this time".
 * Both carry the identity of whoever asked for the URL, as the gateway will tell it to the app.
 * Each is sealed for its own purpose, so neither can be passed off as the other: a presigned token
 * pasted into a cookie would otherwise be a session that skips the single-use check.
 */
import { randomBytes } from 'node:crypto';
import { seal, unseal } from '../auth/sealed.js';

/** Who is signed in: the caller that asked for the presigned URL. */
export interface GatewayIdentity {
  /** The IAM-style principal ARN. */
  principal: string;
  /** The IAM session name, which apps with EnableIamSessionBasedIdentity see instead. */
  sessionName: string;
}

export interface PresignedToken extends GatewayIdentity {
  /** The app the token opens. */
  arn: string;
  /** Epoch ms after which the URL no longer signs in. */
  expiresAt: number;
  /** Length of the session the sign-in starts. */
  sessionSeconds: number;
  /** Unique id, recorded when the token is used so it can be used only once. */
  id: string;
}

export interface GatewaySession extends GatewayIdentity {
  /** The app the session is for; any other app refuses it. */
  arn: string;
  /** Epoch ms at which the session ends. */
  expiresAt: number;
}

export const newGatewaySecret = () => randomBytes(32).toString('base64url');

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The claims' identity, if both of its fields are there. */
function identityOf(claims: Record<string, unknown>): GatewayIdentity | undefined {
  const { principal, sessionName } = claims;
  return typeof principal === 'string' && typeof sessionName === 'string' ? { principal, sessionName } : undefined;
}

export function signToken(secret: string, token: Omit<PresignedToken, 'id'>): string {
  return seal(secret, 'presigned-url', { ...token, id: randomBytes(16).toString('base64url') });
}

/** The token's claims if its signature is ours; says nothing yet about expiry or reuse. */
export function verifyToken(secret: string, text: string): PresignedToken | undefined {
  const claims = unseal(secret, 'presigned-url', text);
  const identity = isRecord(claims) ? identityOf(claims) : undefined;
  if (!identity) return undefined;
  const { arn, expiresAt, sessionSeconds, id } = claims as Record<string, unknown>;
  if (typeof arn !== 'string' || typeof expiresAt !== 'number' || typeof sessionSeconds !== 'number' || typeof id !== 'string') return undefined;
  return { arn, expiresAt, sessionSeconds, id, ...identity };
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

/** The gateway path that serves an app; BaseUrl and presigned URLs point under it. */
export const gatewayPath = (appId: string) => `/gateway/${appId}`;
