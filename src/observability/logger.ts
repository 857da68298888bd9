import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs on stderr. Credentials never reach a log line: request logging records
 * only the operation, the caller's account and access key id, status and timings.
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'partnerplane' }, redact: ['secretAccessKey', 'sessionToken', '*.authorization'] }, pino.destination(2));
}
