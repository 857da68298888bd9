/**
 * The presigned-URL token: "this app, until this time, for a session this long", sealed (sealed.ts)
 * with the gateway secret, which every replica shares through the store, and carrying a random id
 * so that the gateway can admit each token once. CreatePartnerAppPresignedUrl issues it; the
 * gateway checks it and turns it into a session cookie (gateway/session.ts), sealed for a purpose
 * of its own so that neither can be passed off as the other.
 */
import { randomBytes } from 'node:crypto';
import { seal, unseal } from '../sealed.js';
import type { LaunchingIdentity } from './rules/identity.js';

/** Who is signed in: the caller that asked for the presigned URL (what the app is told: rules/identity.ts). */
export type GatewayIdentity = LaunchingIdentity;

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

export const newGatewaySecret = () => randomBytes(32).toString('base64url');

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The claims' identity, if both of its fields are there. */
export function identityOf(claims: Record<string, unknown>): GatewayIdentity | undefined {
  const { principal, sessionName, partnerAppUser } = claims;
  if (typeof principal !== 'string' || typeof sessionName !== 'string') return undefined;
  if (partnerAppUser === undefined) return { principal, sessionName };
  return typeof partnerAppUser === 'string' ? { principal, sessionName, partnerAppUser } : undefined;
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
