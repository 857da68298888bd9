/**
 * The health check every backend is held to, whatever runs it: an HTTP GET of the catalog's
 * `healthPath` at the address its runtime reports, from this process (so from where the gateway
 * reaches it too). Any 2xx or 3xx answer within the time allowed is healthy.
 */
import http from 'node:http';

const PROBE_TIMEOUT_MS = 2_000;

/** Resolves true for a 2xx or 3xx answer, false for anything else (another status, no answer, a refused connection). */
export function probeHealth(address: string, healthPath: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(`http://${address}${healthPath}`, { agent: false, timeout: timeoutMs, headers: { 'user-agent': 'partnerplane-health' } }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      resolve(status >= 200 && status < 400);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', () => resolve(false));
  });
}
