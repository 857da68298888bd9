/**
 * A request's headers by lower-case name, for SigV4, which needs every value of a repeated header.
 * node builds `req.headers` for every request anyway (it reads `host` and `expect` from it), but
 * keeps only the first of some repeated headers and joins others with ", "; the separate lists of
 * `headersDistinct` cost a pass of their own, so they are built only for a request that repeats a
 * header. Reading the target or the length, node's own `req.headers` serves.
 */
import type { IncomingMessage } from 'node:http';

/** Lower-case names; a repeated header as the list of its values, in the order received. */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

export function headersOf(req: IncomingMessage): HeaderMap {
  const { headers } = req;
  let names = 0;
  for (const _ in headers) names++;
  return names * 2 === req.rawHeaders.length ? (headers as HeaderMap) : req.headersDistinct;
}

/** A header's value; a repeated one joined with commas (its parts trimmed, as SigV4 canonicalises it). */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined || typeof value === 'string') return value;
  return value.map((part) => part.trim()).join(',');
}
