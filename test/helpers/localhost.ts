/**
 * Every app's origin is a subdomain of localhost by default (--apps-domain localhost). Browsers
 * and curl resolve any `*.localhost` to loopback (RFC 6761 §6.3); Node's resolver, getaddrinfo,
 * knows only `localhost` itself. `fetchLocal` reaches them as a browser does: the same request,
 * Host header and all, sent to 127.0.0.1, where test servers listen.
 */
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent } from 'undici';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function lookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  if (!hostname.endsWith('.localhost')) return dns.lookup(hostname, options, callback as never);
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}

const dispatcher = new Agent({ connect: { lookup } });

/** fetch, with `*.localhost` resolved as browsers resolve it. */
export const fetchLocal = (url: string | URL, init: RequestInit = {}): Promise<Response> => fetch(url, { ...init, dispatcher } as RequestInit);
