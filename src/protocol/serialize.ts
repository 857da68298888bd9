import type { ServerResponse } from 'node:http';
import { ServiceError } from './errors.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** AWS JSON 1.1 sends timestamps as epoch seconds; the domain keeps epoch milliseconds. */
export const epochSeconds = (epochMs: number): number => epochMs / 1000;

export function writeJson(res: ServerResponse, requestId: string, statusCode: number, body: string, extra?: Record<string, string>): void {
  const headers: Record<string, string | number> = {
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
    ...extra,
  };
  res.writeHead(statusCode, headers);
  res.end(body);
}

export function writeResult(res: ServerResponse, requestId: string, output: unknown): void {
  writeJson(res, requestId, 200, JSON.stringify(output ?? {}));
}

export function writeError(res: ServerResponse, requestId: string, error: ServiceError, extra?: Record<string, string>): void {
  const body = JSON.stringify(
    error.modeled ? { __type: error.code, Message: error.message } : { __type: error.code, message: error.message },
  );
  writeJson(res, requestId, error.statusCode, body, { 'x-amzn-ErrorType': error.code, ...extra });
}
