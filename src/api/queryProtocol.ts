/**
 * The AWS Query protocol as an ApiProtocol of the API pipeline: a POST / without X-Amz-Target whose
 * body is a form naming its Action and Version, answered in XML. partnerplane serves one action of
 * one Query service, CloudFormation's DescribeType, so a front is made for one action.
 */
import type { IncomingMessage } from 'node:http';
import { asQueryError, invalidAction, missingAction } from '../protocol/cloudControlErrors.js';
import { FORM_CONTENT_TYPE, parseForm, writeQueryError, writeQueryResult, xmlMembers } from '../protocol/query.js';
import type { ApiProtocol } from './pipeline.js';

export interface QueryFront {
  /** Names the front in logs. */
  name: string;
  /** The service a request's SigV4 credential scope must name. */
  signingName: string;
  /** The XML namespace of the service's answers. */
  namespace: string;
  /** The API version a request must name. */
  version: string;
  /** The one action served. */
  action: string;
}

/** A POST / without X-Amz-Target whose body is a form. */
const isQueryRequest = (req: IncomingMessage): boolean =>
  req.headers['x-amz-target'] === undefined && (req.headers['content-type'] ?? '').toLowerCase().startsWith(FORM_CONTENT_TYPE);

export function queryProtocol(front: QueryFront): ApiProtocol {
  const { namespace, version, action } = front;
  return {
    name: front.name,
    signingName: front.signingName,
    accepts: isQueryRequest,
    // The body names the action: operationIn, once the signature is checked.
    operationOf: () => undefined,
    inputOf: parseForm,
    operationIn(input) {
      const { Action: named, Version: versionNamed } = input as Record<string, string | undefined>;
      if (named === undefined) throw missingAction();
      if (named !== action || versionNamed !== version) throw invalidAction(named, versionNamed);
      return action;
    },
    namesError: asQueryError,
    writeResult: (res, requestId, output, written) =>
      writeQueryResult(res, requestId, namespace, action, xmlMembers(output as Record<string, string | boolean | undefined>), written),
    writeError: (res, requestId, error, headers, written) => writeQueryError(res, requestId, namespace, error, { ...headers }, written),
  };
}
