#!/usr/bin/env node
/** The `partnerplane` command. */
import { Command, Option } from 'commander';
import { ConfigError, loadConfig, SETTINGS, type Config, type SettingDef } from './config.js';
import { DEFAULT_AUDIT_LIMIT, printAuditLog, type AuditCommandOptions } from './observability/auditCommand.js';
import { startupBanner } from './cli/banner.js';
import { boundHeap } from './cli/heap.js';
import { createServeLogger } from './logger.js';
import { createServer } from './server.js';
import { migrateStore } from './store/index.js';

const program = new Command('partnerplane').description('Self-hosted Amazon SageMaker Partner AI App API');

function addSettingOptions(command: Command, settings: readonly SettingDef[]): void {
  for (const def of settings) {
    command.addOption(new Option(`${def.flag} <value>`, `${def.description} (env ${def.env}${def.defaultText ? `, default ${def.defaultText}` : ''})`));
  }
}

/** A bad setting (or credentials file) ends the process with status 2, saying what is wrong. */
function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(`partnerplane: ${error.message}`);
    process.exit(2);
  }
  throw error;
}

/** The configuration from the command's flags and the environment. */
function configFrom(options: Record<string, string>): Config {
  const given: Partial<Record<keyof Config, string>> = {};
  for (const def of SETTINGS) if (options[def.key] !== undefined) given[def.key] = options[def.key];
  try {
    return loadConfig(given);
  } catch (error) {
    return exitOnConfigError(error);
  }
}

const serve = program.command('serve').description('Run the API server (and its lifecycle reconciler)');
addSettingOptions(serve, SETTINGS);
serve.action(async (options: Record<string, string>) => {
  boundHeap();
  const config = configFrom(options);
  const logger = await createServeLogger(config.logLevel, config.logFormat);
  const server = await createServer(config, { logger }).catch(exitOnConfigError);
  await server.listen();
  console.log(startupBanner(config, server.publicUrl()));
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

const migrate = program
  .command('migrate')
  .description('Bring the database schema up to date and exit (serve also does this at start; safe while replicas run)');
addSettingOptions(
  migrate,
  SETTINGS.filter((def) => def.key === 'dataDir' || def.key === 'databaseUrl'),
);
migrate.action(async (options: Record<string, string>) => {
  const config = configFrom(options);
  const { kind, applied } = await migrateStore(config);
  console.log(applied.length === 0 ? `${kind}: schema already up to date` : `${kind}: applied migration${applied.length === 1 ? '' : 's'} ${applied.join(', ')}`);
});

// `serve` leaves out the apps commands: the AWS SDK they load would slow its start and grow its memory.
if (process.argv[2] !== 'serve') (await import('./cli/apps.js')).registerAppsCommands(program);

const audit = program
  .command('audit')
  .description('Print the audit log of mutating calls (who, what, when, outcome), oldest of the selection first')
  .option('--account <id>', 'only calls made by this 12-digit account')
  .option('--since <time>', 'only calls at or after this time: ISO 8601 (2026-01-31T12:00:00Z) or a span back from now (30m, 2h, 7d)')
  .option('--limit <n>', `the newest n matching calls (default ${DEFAULT_AUDIT_LIMIT})`)
  .option('--output <format>', 'table or json (default table)');
addSettingOptions(
  audit,
  SETTINGS.filter((def) => def.key === 'dataDir' || def.key === 'databaseUrl'),
);
audit.action(async (options: AuditCommandOptions & Record<string, string>) => {
  await printAuditLog(configFrom(options), options, (text) => console.log(text)).catch(exitOnConfigError);
});

// Whatever went wrong, one line saying what, never a stack trace.
await program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConfigError) exitOnConfigError(error);
  console.error(`partnerplane: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
