/** What `partnerplane serve` prints once it listens: where everything is, in plain words. */
import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import { sqlitePathFrom } from '../store/sqlite.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** A database URL as it may be shown: without its password. */
export const withoutPassword = (url: string) => url.replace(/^([a-z]+:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');

function whereData(config: Config): string {
  if (config.databaseUrl && !config.databaseUrl.startsWith('sqlite:')) return `PostgreSQL at ${withoutPassword(config.databaseUrl)}`;
  return `SQLite in ${sqlitePathFrom(config.databaseUrl, config.dataDir)}`;
}

export function startupBanner(config: Config, apiUrl: string): string {
  const access = config.credentialsFile
    ? `the keys of ${config.credentialsFile}`
    : 'test / secret test (account 000000000000); only on this machine, no --credentials-file given';
  return [
    `partnerplane ${version} is running`,
    `  API:         ${apiUrl}  (--endpoint-url for the AWS CLI and SDKs)`,
    `  Console:     ${apiUrl}/console`,
    `  Access key:  ${access}`,
    `  Data:        ${whereData(config)}`,
    'Stop it with Ctrl+C.',
  ].join('\n');
}
