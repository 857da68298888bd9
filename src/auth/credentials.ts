/**
 * Who may call: the access keys of the credentials file (`--credentials-file`), or, with no file,
 * only the documented local pair `test`/`test` of account 000000000000. Anyone can sign with a
 * documented secret, so a server without a file serves loopback addresses only.
 *
 * The file is JSON, `{"accessKeys": [ … ]}`, each entry:
 *   accessKeyId, secretAccessKey, accountId (12 digits)   required
 *   sessionToken     requests must carry exactly this X-Amz-Security-Token (temporary credentials)
 *   principal        an IAM user name, or the ARN of a user, role, assumed-role session or root of
 *                    the entry's account (default: user named after the access key)
 *   sessionName      the IAM session name (default: the assumed-role session, else the last part of
 *                    the principal)
 *   sessionTags      the STS session tags of a role or assumed-role principal's session, an object of
 *                    tag key → value: `{"SageMakerPartnerAppUser": "alice"}` is the identity apps see
 *                    (docs/behaviour.md)
 *   allowedActions   IAM-style actions the key may perform, `*` and `?` as wildcards:
 *                    `sagemaker:*`, `sagemaker:Describe*`, `sagemaker:CreatePartnerApp` (default: all)
 * Everything is checked at start; a mistake names the entry and stops the server.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ConfigError, type Config } from '../config.js';
import { partnerAppUserOf } from '../domain/rules/identity.js';
import { arnPartition } from '../domain/rules/regions.js';
import { accessDenied } from '../protocol/errors.js';
import type { Caller } from '../operations/context.js';

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  sessionToken?: string;
  /** IAM-style ARN of whoever holds the key. */
  principal: string;
  sessionName: string;
  /** The session's tags (an STS session of a role); empty for users and root. */
  sessionTags: Readonly<Record<string, string>>;
  /** The value of its SageMakerPartnerAppUser session tag, the user identity apps see. */
  partnerAppUser?: string;
  /** Whether IAM would let this key perform `action` (e.g. `sagemaker:CreatePartnerApp`). */
  allows(action: string): boolean;
}

/** Every key that may call, by access key id. */
export type Credentials = ReadonlyMap<string, AccessKey>;

export const LOCAL_ACCOUNT_ID = '000000000000';

const allowEverything = () => true;

export const LOCAL_ACCESS_KEY: AccessKey = {
  accessKeyId: 'test',
  secretAccessKey: 'test',
  accountId: LOCAL_ACCOUNT_ID,
  principal: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/test`,
  sessionName: 'test',
  sessionTags: Object.freeze({}),
  allows: allowEverything,
};

const ENTRY_FIELDS = new Set(['accessKeyId', 'secretAccessKey', 'accountId', 'sessionToken', 'principal', 'sessionName', 'sessionTags', 'allowedActions']);
// Access key ids end up inside `Credential=<id>/<date>/…`, so no slashes, commas or spaces.
const ACCESS_KEY_ID = /^[\w.-]{1,128}$/;
const ACCOUNT_ID = /^\d{12}$/;
// IAM's own character set for user, role and session names.
const IAM_NAME = /^[\w+=,.@-]{1,64}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const PRINCIPAL_ARN = /^arn:aws(?:-[a-z]+)*:(?:iam::(\d{12}):(?:root|user\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]+|role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]+)|sts::(\d{12}):assumed-role\/[\w+=,.@-]+\/([\w+=,.@-]+))$/;
const ACTION = /^(?:\*|(?:sagemaker|cloudformation):[A-Za-z*?]+)$/i;

/** Where a mistake is: "credentials file <path>: entry 2 (AKIA…)". */
const entryLabel = (file: string, index: number, accessKeyId: unknown) =>
  `credentials file ${file}: entry ${index + 1}${typeof accessKeyId === 'string' && accessKeyId ? ` (${accessKeyId})` : ''}`;

/** One regular expression for all of an entry's actions, compiled once at start. */
function actionMatcher(actions: readonly string[]): (action: string) => boolean {
  if (actions.includes('*')) return allowEverything;
  const alternatives = actions.map((action) =>
    action.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.'),
  );
  const pattern = new RegExp(`^(?:${alternatives.join('|')})$`, 'i');
  return (action) => pattern.test(action);
}

function parseEntry(raw: unknown, label: string, knownActions: ReadonlySet<string>): AccessKey {
  const fail = (problem: string): never => {
    throw new ConfigError(`${label}: ${problem}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('must be an object');
  const entry = raw as Record<string, unknown>;
  for (const field of Object.keys(entry)) if (!ENTRY_FIELDS.has(field)) fail(`unknown field '${field}' (known: ${[...ENTRY_FIELDS].join(', ')})`);
  const { accessKeyId, secretAccessKey, accountId, sessionToken, principal, sessionName, sessionTags, allowedActions } = entry;

  if (typeof accessKeyId !== 'string' || !ACCESS_KEY_ID.test(accessKeyId)) fail('accessKeyId must be 1 to 128 letters, digits, _ . or -');
  if (typeof secretAccessKey !== 'string' || secretAccessKey === '') fail('secretAccessKey must be a non-empty string');
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) fail(`accountId must be a string of 12 digits, got ${JSON.stringify(accountId)}`);
  if (sessionToken !== undefined && (typeof sessionToken !== 'string' || sessionToken === '')) fail('sessionToken, when given, must be a non-empty string');

  let principalArn = `arn:aws:iam::${accountId as string}:user/${accessKeyId as string}`;
  let assumedSession: string | undefined;
  if (principal !== undefined) {
    if (typeof principal !== 'string') return fail('principal must be a string');
    const arn = PRINCIPAL_ARN.exec(principal);
    if (arn) {
      if ((arn[1] ?? arn[2]) !== accountId) fail(`principal ${principal} is not in account ${accountId as string}`);
      principalArn = principal;
      assumedSession = arn[3];
    } else if (IAM_NAME.test(principal)) {
      principalArn = `arn:aws:iam::${accountId as string}:user/${principal}`;
    } else {
      fail(`principal must be an IAM user name or the ARN of a user, role, assumed-role session or root of account ${accountId as string}, got '${principal}'`);
    }
  }
  if (sessionName !== undefined && (typeof sessionName !== 'string' || !SESSION_NAME.test(sessionName))) {
    fail(`sessionName must be 2 to 64 letters, digits or + = , . @ _ -, got ${JSON.stringify(sessionName)}`);
  }

  let allows: (action: string) => boolean = allowEverything;
  if (allowedActions !== undefined) {
    if (!Array.isArray(allowedActions) || allowedActions.length === 0) return fail('allowedActions, when given, must be a non-empty list');
    for (const action of allowedActions) {
      if (typeof action !== 'string' || !ACTION.test(action)) {
        fail(`allowedActions entry ${JSON.stringify(action)} is not '*', 'sagemaker:<Action>' or 'cloudformation:<Action>' (wildcards * and ?)`);
      }
      const exact = !/[*?]/.test(action as string);
      if (exact && !knownActions.has((action as string).toLowerCase())) fail(`allowedActions names ${action as string}, which is not an action of this server`);
    }
    allows = actionMatcher(allowedActions as string[]);
  }

  return {
    accessKeyId: accessKeyId as string,
    secretAccessKey: secretAccessKey as string,
    accountId: accountId as string,
    sessionToken: sessionToken as string | undefined,
    principal: principalArn,
    sessionName: (sessionName as string | undefined) ?? assumedSession ?? principalArn.slice(principalArn.lastIndexOf('/') + 1),
    ...parseSessionTags(sessionTags, principalArn, fail),
    allows,
  };
}

// STS TagSession's limits: 50 tags, keys of 1 to 128 and values of up to 256 such characters.
const MAX_SESSION_TAGS = 50;
const SESSION_TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const IS_SESSION = /:(?:assumed-role|role)\//;

/** An entry's sessionTags: only a session (a role's) has them, and they follow STS's rules for tags. */
function parseSessionTags(raw: unknown, principal: string, fail: (problem: string) => never): Pick<AccessKey, 'sessionTags' | 'partnerAppUser'> {
  if (raw === undefined) return { sessionTags: Object.freeze({}) };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('sessionTags must be an object of tag key → value');
  if (!IS_SESSION.test(principal)) fail(`sessionTags need a role or assumed-role principal: only an STS session has session tags, and ${principal} is not one`);
  const tags = Object.entries(raw as Record<string, unknown>);
  if (tags.length > MAX_SESSION_TAGS) fail(`sessionTags may have at most ${MAX_SESSION_TAGS} tags, got ${tags.length}`);
  for (const [key, value] of tags) {
    if ([...key].length < 1 || [...key].length > 128 || !SESSION_TAG_TEXT.test(key) || /^aws:/i.test(key)) {
      fail(`sessionTags key ${JSON.stringify(key)} must be 1 to 128 letters, digits, spaces or _ . : / = + - @, and not start with aws:`);
    }
    if (typeof value !== 'string' || [...value].length > 256 || !SESSION_TAG_TEXT.test(value)) {
      fail(`sessionTags value of ${key} must be a string of up to 256 letters, digits, spaces or _ . : / = + - @`);
    }
  }
  const sessionTags = Object.freeze(Object.fromEntries(tags) as Record<string, string>);
  return { sessionTags, partnerAppUser: partnerAppUserOf(sessionTags) };
}

/** Parses and checks a credentials file's text; `knownActions` are the `sagemaker:<Op>` names served. */
export function parseCredentials(text: string, file: string, knownActions: readonly string[]): Credentials {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`credentials file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const entries = (document as { accessKeys?: unknown } | null)?.accessKeys;
  if (typeof document !== 'object' || Array.isArray(document) || !Array.isArray(entries)) {
    throw new ConfigError(`credentials file ${file} must be a JSON object {"accessKeys": [ … ]}`);
  }
  if (entries.length === 0) throw new ConfigError(`credentials file ${file} lists no access keys, so nobody could call`);
  const known = new Set(knownActions.map((action) => action.toLowerCase()));
  const keys = new Map<string, AccessKey>();
  entries.forEach((raw, index) => {
    const label = entryLabel(file, index, (raw as { accessKeyId?: unknown } | null)?.accessKeyId);
    const key = parseEntry(raw, label, known);
    if (keys.has(key.accessKeyId)) throw new ConfigError(`${label}: accessKeyId ${key.accessKeyId} is listed twice`);
    keys.set(key.accessKeyId, key);
  });
  return keys;
}

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Addresses only this machine can reach (IPv4-mapped IPv6 included). */
export function isLoopbackHost(host: string): boolean {
  const family = net.isIP(host);
  return host === 'localhost' || (family !== 0 && LOOPBACK.check(host, family === 4 ? 'ipv4' : 'ipv6'));
}

/**
 * The credentials the server accepts. Without a file only the local pair, and then only on a
 * loopback host: anyone who can reach the server could sign with the documented secret.
 */
export function loadCredentials(config: Pick<Config, 'credentialsFile' | 'host'> & Partial<Pick<Config, 'localKeyAnywhere'>>, knownActions: readonly string[]): Credentials {
  if (config.credentialsFile === undefined) {
    if (!isLoopbackHost(config.host) && !config.localKeyAnywhere) {
      throw new ConfigError(
        `refusing to serve on ${config.host} without --credentials-file: only the documented local pair test/test would be accepted, ` +
          'and anyone who can reach this address could use it. Give a credentials file, or listen on a loopback address such as 127.0.0.1 ' +
          '(in a container for local development only: PARTNERPLANE_LOCAL_KEY_ANYWHERE=true).',
      );
    }
    return new Map([[LOCAL_ACCESS_KEY.accessKeyId, LOCAL_ACCESS_KEY]]);
  }
  const file = path.resolve(config.credentialsFile);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read credentials file ${file}: ${(error as Error).message}`);
  }
  return parseCredentials(text, file, knownActions);
}

/**
 * IAM's answer for the caller's key: AccessDeniedException unless one of its allowed actions
 * matches, worded as IAM words it; the resource is the one the request names. `resourceOf` is
 * called only when access is denied; it gives undefined for an action IAM names no resource for
 * (DescribeType), which its message then does not name.
 */
export function assertAllowed(credentials: Credentials, caller: Caller, action: string, resourceOf: () => string | undefined): void {
  if (credentials.get(caller.accessKeyId)?.allows(action)) return;
  const resource = resourceOf();
  throw accessDenied(
    `User: ${caller.principal} is not authorized to perform: ${action}${resource === undefined ? '' : ` on resource: ${resource}`} because no identity-based policy allows the ${action} action`,
  );
}

/** What a request acts on, as IAM names it: the ARN it gives, else the caller's partner apps. */
export function requestedResource(input: unknown, caller: Caller): string {
  const { Arn, ResourceArn } = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const arn = Arn ?? ResourceArn;
  return typeof arn === 'string' ? arn : `arn:${arnPartition(caller.region)}:sagemaker:${caller.region}:${caller.accountId}:partner-app/*`;
}
