/**
 * CloudFormation's DescribeType on the API endpoint (POST /, a form naming Action=DescribeType,
 * Query protocol, XML answers), for the one type served: what Terraform's aws_cloudcontrolapi_resource
 * reads before it plans. SigV4 for `cloudformation`, IAM action cloudformation:DescribeType, the
 * same credentials, metrics and logs as the other fronts. Other types, and other Actions, answer as
 * CloudFormation answers for what it does not have.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { assertAllowed, type Credentials } from '../auth/credentials.js';
import { rawRequestOf, verifyRequest } from '../auth/sigv4.js';
import type { Config } from '../config.js';
import { newApiCall, type ApiCall, type RequestObserver } from '../observability/requests.js';
import { ClientAbort, readBody } from '../protocol/body.js';
import { ServiceError } from '../protocol/errors.js';
import { asQueryError, FORM_CONTENT_TYPE, parseForm, writeQueryError, writeQueryResult, xmlMembers } from '../protocol/query.js';
import { compileValidators } from '../validation/check.js';
import { answerFailure, type FailureHooks } from './failures.js';
import { cloudFormationErrors, cloudFormationModel } from './model.js';
import { TYPE_VERSION_ID } from './resources.js';
import { partnerAppSchema, SCHEMA_TEXT, TYPE_NAME } from './schema.js';

export const CLOUDFORMATION_SIGNING_NAME = 'cloudformation';
const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const API_VERSION = '2010-05-15';
const ACTION = 'DescribeType';
/** The day the served schema was published (its registry refresh): the type's LastUpdated. */
const SCHEMA_PUBLISHED = '2026-01-27T00:00:00.000Z';

/** A POST / without X-Amz-Target whose body is a form: a Query-protocol request. */
export const isQueryRequest = (req: IncomingMessage): boolean =>
  req.headers['x-amz-target'] === undefined && (req.headers['content-type'] ?? '').toLowerCase().startsWith(FORM_CONTENT_TYPE);

const typeNotFound = (name: string) => new ServiceError('TypeNotFoundException', cloudFormationErrors.TypeNotFoundException.status, `The type '${name}' cannot be found.`);
const registryError = (message: string) => new ServiceError('CFNRegistryException', cloudFormationErrors.CFNRegistryException.status, message);

const typeArn = (region: string) => `arn:aws:cloudformation:${region}::type/resource/${TYPE_NAME.replace(/::/g, '-')}`;

/** Which type the parameters name: by Type and TypeName, or by Arn (with a version, only the one there is). */
function assertServedType(input: Record<string, string | undefined>, region: string): void {
  const { Type, TypeName, Arn, VersionId } = input;
  if (Arn === undefined && (Type === undefined || TypeName === undefined)) throw registryError('Either Arn, or TypeName and Type, must be specified.');
  if (Arn !== undefined && (Type !== undefined || TypeName !== undefined)) throw registryError('Specify either Arn, or TypeName and Type, not both.');
  const named = Arn ?? TypeName!;
  if (Arn !== undefined ? Arn !== typeArn(region) && Arn !== `${typeArn(region)}/${TYPE_VERSION_ID}` : Type !== 'RESOURCE' || TypeName !== TYPE_NAME) throw typeNotFound(named);
  if (VersionId !== undefined && VersionId !== TYPE_VERSION_ID) throw typeNotFound(named);
}

function describeType(region: string): string {
  return xmlMembers({
    Arn: typeArn(region),
    Type: 'RESOURCE',
    TypeName: TYPE_NAME,
    DefaultVersionId: TYPE_VERSION_ID,
    IsDefaultVersion: true,
    Description: partnerAppSchema.description,
    Schema: SCHEMA_TEXT,
    ProvisioningType: 'FULLY_MUTABLE',
    DeprecatedStatus: 'LIVE',
    Visibility: 'PUBLIC',
    LastUpdated: SCHEMA_PUBLISHED,
  });
}

export interface DescribeTypeFrontOptions extends FailureHooks {
  credentials: Credentials;
  config: Config;
  observer: RequestObserver;
}

export function createDescribeTypeFront(options: DescribeTypeFrontOptions): (req: IncomingMessage, res: ServerResponse, requestId: string) => void {
  const { credentials, config, observer } = options;
  const validate = compileValidators(cloudFormationModel).get(ACTION)!;

  async function handle(req: IncomingMessage, call: ApiCall): Promise<string> {
    try {
      const body = await readBody(req, config.maxBodyBytes);
      call.caller = await verifyRequest(rawRequestOf(req, body), credentials, { service: CLOUDFORMATION_SIGNING_NAME });
      return describeForCaller(parseForm(body), call);
    } catch (error) {
      if (call.caller === undefined && !(error instanceof ClientAbort)) options.refused(req.socket.remoteAddress, (error as Partial<ServiceError>).code ?? 'InternalFailure');
      throw error;
    }
  }

  function describeForCaller(form: Record<string, string>, call: ApiCall): string {
    const { Action: action, Version: version, ...parameters } = form;
    if (action === undefined) throw new ServiceError('MissingAction', 400, 'Missing Action');
    if (action !== ACTION || version !== API_VERSION) throw new ServiceError('InvalidAction', 400, `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`);
    call.operation = ACTION;
    assertAllowed(credentials, call.caller!, `cloudformation:${ACTION}`, () => undefined);
    const input = validate(parameters) as Record<string, string | undefined>;
    assertServedType(input, call.caller!.region);
    return describeType(call.caller!.region);
  }

  return (req, res, requestId) => {
    const call = newApiCall(requestId);
    handle(req, call).then(
      (result) => writeQueryResult(res, requestId, NAMESPACE, ACTION, result, () => observer.answered(call, 200, undefined)),
      (error: unknown) =>
        answerFailure(res, requestId, error, options, (refusal, headers) => {
          const given = asQueryError(refusal);
          writeQueryError(res, requestId, NAMESPACE, given, headers, () => observer.answered(call, given.statusCode, given.code));
        }),
    );
  };
}
