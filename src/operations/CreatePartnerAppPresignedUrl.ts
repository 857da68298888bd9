import { parseAppArn } from '../domain/partnerApp.js';
import { signToken } from '../domain/presignedUrl.js';
import { appUserIdentity } from '../domain/rules/identity.js';
import { findOwnedApp } from './common.js';
import type { Input, OperationContext, Output } from './context.js';

/** The partner-app pages document no defaults; these are CreatePresignedDomainUrl's. */
const DEFAULT_EXPIRES_IN_SECONDS = 300;
const DEFAULT_SESSION_SECONDS = 43200;

export async function CreatePartnerAppPresignedUrl(input: Input<'CreatePartnerAppPresignedUrl'>, context: OperationContext): Promise<Output<'CreatePartnerAppPresignedUrl'>> {
  const app = await findOwnedApp(context, input.Arn, { includeDeleted: false });
  const { principal, sessionName, partnerAppUser } = context.caller;
  // Launching an app without a user identity for it fails here, as the guide says; the gateway checks again on use.
  appUserIdentity(app, context.caller);
  const token = signToken(context.gatewaySecret, {
    arn: app.arn,
    expiresAt: context.clock.now() + (input.ExpiresInSeconds ?? DEFAULT_EXPIRES_IN_SECONDS) * 1000,
    sessionSeconds: input.SessionExpirationDurationInSeconds ?? DEFAULT_SESSION_SECONDS,
    principal,
    sessionName,
    ...(partnerAppUser === undefined ? {} : { partnerAppUser }),
  });
  const appId = parseAppArn(app.arn)!.appId;
  return { Url: `${context.urls.appBaseUrl(appId)}/?token=${encodeURIComponent(token)}` };
}
