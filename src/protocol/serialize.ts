import type { ServerResponse } from 'node:http';
import { ServiceError } from './errors.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** AWS JSON 1.1 sends timestamps as epoch seconds; the domain keeps epoch milliseconds. */
export const epochSeconds = (epochMs: number): number => epochMs / 1000;

/** Queues the answer for the end of this turn (below); `written` is called once it has been handed to the socket. */
export function writeJson(res: ServerResponse, requestId: string, statusCode: number, body: string, extra?: Record<string, string>, written?: () => void): void {
  const headers: Record<string, string | number> = {
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
    ...extra,
  };
  if (answersOfThisTurn.push({ res, statusCode, headers, body, written }) === 1) setImmediate(writeAnswersOfThisTurn);
}

interface Answer {
  res: ServerResponse;
  statusCode: number;
  headers: Record<string, string | number>;
  body: string;
  written: (() => void) | undefined;
}

/**
 * Answers are written together when the turn of the event loop that produced them ends, not one by
 * one as each is ready. On loopback, where test suites and their server usually meet, every write
 * wakes the client waiting for it, and each of those wake-ups cost the server about as much CPU as
 * the DescribePartnerApp operation itself; written back to back, the answers of one turn find the
 * client still awake (measured: docs/performance.md). An answer waits at most for the rest of its
 * turn; alone, it goes out at once.
 */
let answersOfThisTurn: Answer[] = [];

function writeAnswersOfThisTurn(): void {
  const answers = answersOfThisTurn;
  answersOfThisTurn = [];
  const written: (() => void)[] = [];
  for (const answer of answers) {
    try {
      answer.res.writeHead(answer.statusCode, answer.headers).end(answer.body);
      if (answer.written) written.push(answer.written);
    } catch (error) {
      // A header node refuses fails this answer only, not the others of the turn.
      answer.res.destroy(error as Error);
    }
  }
  // Only once every answer of the turn is out: what they do cannot hold one back.
  for (const done of written) done();
}

/** Where an answer carries its JSON text, when an operation kept it from an earlier call (keepText). */
const KEPT_TEXT = Symbol('the answer as JSON text');

/**
 * Gives the answer the JSON text an operation kept for it (DescribePartnerApp keeps one per app
 * the store hands out frozen), written as it is instead of serialising the answer again; the answer
 * must not change after. The text is not one of its members: JSON.stringify and Object.keys skip a
 * symbol. (A property defined non-enumerable, or a frozen answer, cost a Describe 0.3-0.9 µs more.)
 */
export function keepText<T extends object>(answer: T, text: string): T {
  (answer as { [KEPT_TEXT]?: string })[KEPT_TEXT] = text;
  return answer;
}

function answerText(output: object | undefined): string {
  if (output === undefined) return '{}';
  return (output as { [KEPT_TEXT]?: string })[KEPT_TEXT] ?? JSON.stringify(output);
}

export function writeResult(res: ServerResponse, requestId: string, output: object | undefined, written?: () => void): void {
  writeJson(res, requestId, 200, answerText(output), undefined, written);
}

export function writeError(res: ServerResponse, requestId: string, error: ServiceError, extra?: Record<string, string>, written?: () => void): void {
  const body = JSON.stringify(
    error.modeled ? { __type: error.code, Message: error.message } : { __type: error.code, message: error.message },
  );
  writeJson(res, requestId, error.statusCode, body, { 'x-amzn-ErrorType': error.code, ...extra }, written);
}

/** writeResult and writeError for another AWS JSON version's content type (the Cloud Control API speaks 1.0). */
export function jsonWriters(contentType: string): { writeResult: typeof writeResult; writeError: typeof writeError } {
  const type = { 'Content-Type': contentType };
  return {
    writeResult: (res, requestId, output, written) => writeJson(res, requestId, 200, answerText(output), type, written),
    writeError: (res, requestId, error, extra, written) => writeError(res, requestId, error, { ...type, ...extra }, written),
  };
}
