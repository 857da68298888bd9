/**
 * Where the gateway sends an admitted request: the app's backend at the address the store holds
 * (so the gateway of every replica reaches every backend, whichever replica started it), the real
 * upstream configured for the app's type (`--app-upstreams`), or the built-in page.
 *
 * An app whose backend a runtime manages is served while a healthy generation is known (through
 * `Updating`, the old one until the new one is healthy; after `UpdateFailed`, the old one still);
 * an app without one (the builtin runtime) is served only while `Available`;
 * while its backend is being started again it is refused with 503 and Retry-After.
 */
import type { PartnerApp } from '../domain/partnerApp.js';
import { gatewayAppUnavailable } from '../protocol/errors.js';

export type Destination = { kind: 'builtin' } | { kind: 'upstream'; base: URL };

/** The app is one the gateway lets requests through to, whatever its status says of the last request. */
export function servesRequests(app: PartnerApp): boolean {
  if (!app.backend) return app.status === 'Available';
  return app.status === 'Available' || ((app.status === 'Updating' || app.status === 'UpdateFailed') && app.backend.serving !== undefined);
}

/** Where an app that serves requests is reached; refuses one whose backend is down for now. */
export function destinationOf(app: PartnerApp, upstreams: Partial<Record<string, URL>> | undefined): Destination {
  const { backend } = app;
  if (backend) {
    if (!backend.serving || backend.phase === 'restarting') {
      const why = backend.detail ? ` (${backend.detail})` : '';
      throw gatewayAppUnavailable('App is restarting', `The backend of partner app ${app.name} is being started again${why}. Try again in a moment.`);
    }
    return { kind: 'upstream', base: new URL(`http://${backend.serving.address}/`) };
  }
  const upstream = upstreams?.[app.type];
  return upstream ? { kind: 'upstream', base: upstream } : { kind: 'builtin' };
}
