/**
 * Who a person is inside a partner app: the identity partnerplane propagates to the app when they
 * launch it (CreatePartnerAppPresignedUrl) and on every request through the gateway. The rules are
 * the Developer Guide's (Set up Partner AI Apps › Manage user authorization and authentication);
 * docs/behaviour.md quotes them and names the choices made where the guide is silent.
 */
import { validationError } from '../../protocol/errors.js';

/** The STS session tag (or SAML PrincipalTag) whose value is the user identity in the app. */
export const PARTNER_APP_USER_TAG = 'SageMakerPartnerAppUser';

/** Who launched or calls the app, as far as identity propagation cares. */
export interface LaunchingIdentity {
  /** The IAM-style ARN of the caller: an IAM user, a role, an assumed-role session or a root user. */
  principal: string;
  /** The IAM session name (an assumed role's session; a role's or user's name otherwise). */
  sessionName: string;
  /** The value of the caller's SageMakerPartnerAppUser session tag, if it has one. */
  partnerAppUser?: string;
}

/** The value of the SageMakerPartnerAppUser tag among a session's tags. */
export const partnerAppUserOf = (sessionTags: Readonly<Record<string, string>> | undefined): string | undefined => sessionTags?.[PARTNER_APP_USER_TAG];

const IAM_USER = /^arn:[\w-]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/;

/**
 * The identity the app is given, or the ValidationException the guide describes when there is
 * none. In the guide's order: a SageMakerPartnerAppUser session tag always wins; else an IAM user
 * is propagated by user name; else (an STS session, a role) the session name, but only when the
 * app has EnableIamSessionBasedIdentity. A root user has neither a user name nor a session.
 */
export function appUserIdentity(app: { arn: string; settings: { EnableIamSessionBasedIdentity?: boolean } }, who: LaunchingIdentity): string {
  if (who.partnerAppUser !== undefined) return who.partnerAppUser;
  const userName = IAM_USER.exec(who.principal)?.[1];
  if (userName !== undefined) return userName;
  const isSession = !who.principal.endsWith(':root');
  if (isSession && app.settings.EnableIamSessionBasedIdentity) return who.sessionName;
  throw validationError(
    isSession
      ? `No user identity can be propagated to partner app ${app.arn} for ${who.principal}: the session has no ${PARTNER_APP_USER_TAG} session tag, and the app does not have EnableIamSessionBasedIdentity set. Tag the session with ${PARTNER_APP_USER_TAG}, or set EnableIamSessionBasedIdentity on the app.`
      : `No user identity can be propagated to partner app ${app.arn} for ${who.principal}: a root user has no IAM user name, session name or ${PARTNER_APP_USER_TAG} session tag. Launch the app as an IAM user or from a tagged role session.`,
  );
}
