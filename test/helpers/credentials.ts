/**
 * Credentials files for test servers. A server without a file accepts only the local pair, so
 * every test server gets a file: the local pair plus a pool of accounts of their own, handed out
 * one per test so that tests sharing a server never see each other's apps or quota.
 */
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface TestAccount {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** An entry of the credentials file (see src/auth/credentials.ts). */
export interface CredentialsEntry extends TestAccount {
  principal?: string;
  sessionName?: string;
  sessionTags?: Record<string, string>;
  allowedActions?: string[];
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A fresh account with a random 12-digit id and a key shaped like AWS's (AKIA…, 40-character secret). */
export function randomAccount(): TestAccount {
  const suffix = Array.from({ length: 16 }, () => BASE32[randomInt(BASE32.length)]).join('');
  return {
    accountId: String(randomInt(100_000_000_000, 999_999_999_999)),
    accessKeyId: `AKIA${suffix}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
}

/** The documented local pair as a file entry. */
export const LOCAL_ENTRY: CredentialsEntry = { accessKeyId: 'test', secretAccessKey: 'test', accountId: '000000000000' };

/** Writes `{"accessKeys": entries}` to `credentials.json` in `dir`; returns its path. */
export function writeCredentialsFile(dir: string, entries: readonly CredentialsEntry[]): string {
  const file = path.join(dir, 'credentials.json');
  fs.writeFileSync(file, JSON.stringify({ accessKeys: entries }, null, 2));
  return file;
}

/** Accounts for one server's tests, each handed out once. */
export class AccountPool {
  private next = 0;

  constructor(readonly accounts: readonly TestAccount[]) {}

  take(): TestAccount {
    const account = this.accounts[this.next++];
    if (!account) throw new Error(`all ${this.accounts.length} test accounts of this server are in use; start another server`);
    return account;
  }
}

const POOL_SIZE = 200;

/**
 * The credentials file of a test server's data directory: the local pair and a pool of accounts.
 * A directory that already has one (a server restarted on the same data) keeps its accounts.
 */
export function testCredentials(dataDir: string): { file: string; pool: AccountPool } {
  const file = path.join(dataDir, 'credentials.json');
  if (fs.existsSync(file)) {
    const { accessKeys } = JSON.parse(fs.readFileSync(file, 'utf8')) as { accessKeys: TestAccount[] };
    return { file, pool: new AccountPool(accessKeys.filter((entry) => entry.accessKeyId !== LOCAL_ENTRY.accessKeyId)) };
  }
  const accounts = Array.from({ length: POOL_SIZE }, randomAccount);
  writeCredentialsFile(dataDir, [LOCAL_ENTRY, ...accounts]);
  return { file, pool: new AccountPool(accounts) };
}
