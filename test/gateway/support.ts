/** What the gateway tests share: presigned URLs from the real SDK and a browser-like cookie jar of one. */
import assert from 'node:assert/strict';
import { CreatePartnerAppPresignedUrlCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { fetchLocal } from '../helpers/localhost.js';

export async function presign(client: SageMakerClient, Arn: string, options: { ExpiresInSeconds?: number; SessionExpirationDurationInSeconds?: number } = {}): Promise<string> {
  const { Url } = await client.send(new CreatePartnerAppPresignedUrlCommand({ Arn, ...options }));
  return Url!;
}

export const appIdOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** The origin a test server serves an app at (the default apps domain, localhost): what BaseUrl is. */
export const appOrigin = (serverUrl: string, arn: string) => `http://${appIdOf(arn).toLowerCase()}.localhost:${new URL(serverUrl).port}`;

/** A request that does not follow redirects, as a test wants to see each hop; `*.localhost` resolves as in browsers. */
export const get = (url: string, headers: Record<string, string> = {}) => fetchLocal(url, { redirect: 'manual', headers });

export interface Session {
  /** `partnerplane_session=<value>` (`__Host-partnerplane_session` over https), ready for a Cookie header. */
  cookie: string;
  /** The Set-Cookie header as the gateway sent it. */
  setCookie: string;
  /** Where the gateway redirected to after sign-in, as an absolute URL. */
  landing: string;
}

/** Opens a presigned URL and returns the session it starts; fails the test if it does not. */
export async function openPresignedUrl(url: string): Promise<Session> {
  const response = await get(url);
  assert.equal(response.status, 302, await response.text());
  const [setCookie] = response.headers.getSetCookie();
  assert.ok(setCookie, 'a session cookie is set');
  return { cookie: setCookie.split(';')[0]!, setCookie, landing: new URL(response.headers.get('location')!, url).href };
}

/** The text of the element the built-in app page marks with data-field="<field>". */
export function pageField(html: string, field: string): string | undefined {
  return new RegExp(`data-field="${field}">([^<]*)<`).exec(html)?.[1];
}
