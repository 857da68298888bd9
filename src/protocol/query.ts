/**
 * The AWS Query protocol (CloudFormation's): a form-encoded POST naming its Action, answered in XML
 * (`<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…`), errors as
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */
import type { ServerResponse } from 'node:http';
import type { ServiceError } from './errors.js';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** The form's parameters (the last of a repeated one wins, as with the Query services). */
export function parseForm(body: Buffer): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
export const escapeXml = (text: string) => text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char]!);

/** `<Name>value</Name>` for each member that is present, in the order given. */
export const xmlMembers = (members: Record<string, string | boolean | undefined>) =>
  Object.entries(members)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
    .join('');

function writeXml(res: ServerResponse, statusCode: number, requestId: string, body: string, extra: Record<string, string>, written?: () => void): void {
  res.writeHead(statusCode, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': requestId, ...extra });
  res.end(body, written);
}

export function writeQueryResult(res: ServerResponse, requestId: string, namespace: string, action: string, resultXml: string, written?: () => void): void {
  const body = `<${action}Response xmlns="${namespace}"><${action}Result>${resultXml}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  writeXml(res, 200, requestId, body, {}, written);
}

export function writeQueryError(res: ServerResponse, requestId: string, namespace: string, error: ServiceError, extra: Record<string, string>, written?: () => void): void {
  const type = error.statusCode >= 500 ? 'Receiver' : 'Sender';
  const body = `<ErrorResponse xmlns="${namespace}"><Error>${xmlMembers({ Type: type, Code: error.code, Message: error.message })}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  writeXml(res, error.statusCode, requestId, body, extra, written);
}
