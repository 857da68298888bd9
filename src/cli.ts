#!/usr/bin/env node
/** The `partnerplane` command. */
import { Command, Option } from 'commander';
import { ConfigError, loadConfig, SETTINGS, type Config } from './config.js';
import { createServer } from './server.js';

const program = new Command('partnerplane').description('Self-hosted Amazon SageMaker Partner AI App API');

const serve = program.command('serve').description('Run the API server (and its lifecycle reconciler)');
for (const def of SETTINGS) {
  serve.addOption(new Option(`${def.flag} <value>`, `${def.description} (env ${def.env}${def.defaultText ? `, default ${def.defaultText}` : ''})`));
}
/** A bad setting (or credentials file) ends the process with status 2, saying what is wrong. */
function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(`partnerplane: ${error.message}`);
    process.exit(2);
  }
  throw error;
}

serve.action(async (options: Record<string, string>) => {
  const given: Partial<Record<keyof Config, string>> = {};
  for (const def of SETTINGS) if (options[def.key] !== undefined) given[def.key] = options[def.key];
  let config: Config;
  try {
    config = loadConfig(given);
  } catch (error) {
    exitOnConfigError(error);
  }
  const server = await createServer(config).catch(exitOnConfigError);
  await server.listen();
  const stop = (signal: string) => {
    server.logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
});

// `serve` leaves out the apps commands: they load the AWS SDK, a second of start-up and ~35 MiB.
if (process.argv[2] !== 'serve') (await import('./cli/apps.js')).registerAppsCommands(program);

await program.parseAsync();
