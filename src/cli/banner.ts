/** What `partnerplane serve` prints once it listens: where everything is, in plain words. */
import { readFileSync } from 'node:fs';
import { isLoopbackHost } from '../auth/credentials.js';
import type { Config } from '../config.js';
import { PublicUrls } from '../publicUrls.js';
import { describeDatabase } from '../store/index.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function startupBanner(config: Config, apiUrl: string): string {
  const access = config.credentialsFile
    ? `the keys of ${config.credentialsFile}`
    : isLoopbackHost(config.host)
      ? 'test / secret test (account 000000000000); only on this machine, no --credentials-file given'
      : 'test / secret test (account 000000000000), on every address (--local-key-anywhere): for local development only';
  return [
    `partnerplane ${version} is running`,
    `  API:         ${apiUrl}  (--endpoint-url for the AWS CLI and SDKs)`,
    `  Console:     ${apiUrl}/console`,
    `  Apps:        ${new PublicUrls(apiUrl, config.appsDomain).appBaseUrl('<app-id>')}  (each at an origin of its own: its BaseUrl)`,
    `  Access key:  ${access}`,
    `  Data:        ${describeDatabase(config)}`,
    'Stop it with Ctrl+C.',
  ].join('\n');
}
