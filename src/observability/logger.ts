import pino from 'pino';

export type Logger = pino.Logger;

/** Whatever shape a secret arrives in, its value is replaced before the line is written. */
const REDACTED_PATHS = ['secretAccessKey', 'sessionToken', 'authorization', 'cookie', 'adminToken', 'token'].flatMap((key) => [
  key,
  `*.${key}`,
  `*.headers.${key}`,
]);

/**
 * Structured JSON logs on stderr (or `destination`). Credentials never reach a log line: request
 * logging records only the request id, operation, the caller's account and access key id, status
 * and timings, and the paths above are redacted should anything log a secret-bearing object.
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ level, base: { service: 'partnerplane' }, redact: REDACTED_PATHS }, destination);
}
