/**
 * Console sessions live entirely in a signed cookie, so any replica can serve any request and the
 * server keeps nothing. The cookie names the access key and a keyed fingerprint of its secret (so
 * changing the secret ends every console session of that key), never the secret itself.
 * The CSRF token is a MAC of the session id: a page of the console knows it, another site cannot.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual, seal, unseal } from '../sealed.js';

export interface ConsoleSession {
  id: string;
  accessKeyId: string;
  secretFingerprint: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface SignedInKey {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const SESSION_COOKIE = 'partnerplane_console';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export const newConsoleSecret = () => randomBytes(32).toString('base64url');

export class SessionSigner {
  constructor(private readonly key: string) {}

  private mac(purpose: string, data: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\n${data}`).digest('base64url');
  }

  /** Stands for the key's secret (and session token) in the cookie without revealing them. */
  fingerprint(key: SignedInKey): string {
    return this.mac('secret-fingerprint', `${key.secretAccessKey}\n${key.sessionToken ?? ''}`);
  }

  issue(key: SignedInKey, now = Date.now()): string {
    const session: ConsoleSession = {
      id: randomBytes(16).toString('base64url'),
      accessKeyId: key.accessKeyId,
      secretFingerprint: this.fingerprint(key),
      expiresAt: now + SESSION_TTL_MS,
    };
    return seal(this.key, 'console-session', session);
  }

  /** The session if the cookie value is one we signed and it has not expired. */
  read(cookieValue: string, now = Date.now()): ConsoleSession | undefined {
    const session = unseal(this.key, 'console-session', cookieValue) as Partial<ConsoleSession> | undefined;
    if (typeof session !== 'object' || session === null) return undefined;
    const { id, accessKeyId, secretFingerprint, expiresAt } = session;
    if (typeof id !== 'string' || typeof accessKeyId !== 'string' || typeof secretFingerprint !== 'string' || typeof expiresAt !== 'number') return undefined;
    return expiresAt > now ? { id, accessKeyId, secretFingerprint, expiresAt } : undefined;
  }

  csrfToken(session: ConsoleSession): string {
    return this.mac('csrf', session.id);
  }

  csrfMatches(session: ConsoleSession, token: string | undefined): boolean {
    return token !== undefined && constantTimeEqual(token, this.csrfToken(session));
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const equals = part.indexOf('=');
    if (equals > 0 && part.slice(0, equals).trim() === name) return part.slice(equals + 1).trim();
  }
  return undefined;
}

/**
 * HttpOnly so page scripts never see it; SameSite=Strict so other sites cannot send it; host-only
 * (no Domain). `name` is PublicUrls.cookieName's, __Host- over https, which requires Path=/.
 */
export function sessionCookie(value: string, options: { name: string; secure: boolean; maxAgeSeconds: number; path?: string }): string {
  return [
    `${options.name}=${value}`,
    `Path=${options.secure ? '/' : (options.path ?? '/console')}`,
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${options.maxAgeSeconds}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
