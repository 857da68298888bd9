import type { PartnerApp } from '../domain/partnerApp.js';

/** `arn:aws:sts::<account>:assumed-role/<role>/<session name>`: the principal of temporary credentials. */
const ASSUMED_ROLE = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/[^/]+\/([^/]+)$/;

export const sessionNameOf = (principal: string): string | undefined => ASSUMED_ROLE.exec(principal)?.[1];

/**
 * The identity an app is told about. With EnableIamSessionBasedIdentity the app tells apart the
 * people behind one role by their IAM session name; a caller without a session (long-term keys)
 * has none, so it is known by its principal as it would be with the setting off.
 */
export function forwardedIdentity(app: PartnerApp, principal: string): string {
  return (app.settings.EnableIamSessionBasedIdentity && sessionNameOf(principal)) || principal;
}
