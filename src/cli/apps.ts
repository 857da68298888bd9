/**
 * `partnerplane apps …`: the Partner AI App API from the command line, against partnerplane or any
 * other endpoint, with the standard AWS credential chain (environment, shared files and --profile,
 * SSO, container and instance roles) as resolved by @aws-sdk/client-sagemaker itself.
 * Results go to stdout (JSON or a table), progress and errors to stderr; an error is printed as
 * `<Code>: <message>` and exits with status 1, as does an app that settles Failed or UpdateFailed.
 */
import {
  CreatePartnerAppCommand,
  CreatePartnerAppPresignedUrlCommand,
  DeletePartnerAppCommand,
  DescribePartnerAppCommand,
  paginateListPartnerApps,
  SageMakerClient,
  UpdatePartnerAppCommand,
  type CreatePartnerAppRequest,
  type DescribePartnerAppResponse,
  type PartnerAppSummary,
  type UpdatePartnerAppRequest,
} from '@aws-sdk/client-sagemaker';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { Command, InvalidArgumentError, Option } from 'commander';
import { json, OUTPUT_FORMATS, record, table, withoutMetadata, type OutputFormat } from './output.js';
import { FAILED_STATUSES, waitUntilSettled, type WaitOptions } from './wait.js';

/** Where partnerplane listens by default. */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4577';

interface GlobalOptions {
  endpointUrl?: string;
  region?: string;
  profile?: string;
  output: OutputFormat;
}

interface WaitFlags {
  wait?: boolean;
  pollInterval: number;
  waitTimeout: number;
}

/** A failure the CLI itself reports, printed like a service error. */
class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const positiveNumber = (text: string): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('must be a positive number.');
  return value;
};

const wholeNumber = (text: string): number => {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw new InvalidArgumentError('must be a whole number.');
  return value;
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface Tag {
  Key: string;
  Value: string;
}

function parseTag(text: string): Tag {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError(`expected Key=Value, got '${text}'.`);
  return { Key: text.slice(0, equals), Value: text.slice(equals + 1) };
}

const collectTags = (value: string, previous: Tag[] = []) => [...previous, parseTag(value)];

/** Endpoint: the flag, then the AWS_ENDPOINT_URL_SAGEMAKER / AWS_ENDPOINT_URL variables, then a local partnerplane. */
const endpointOf = (options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string =>
  options.endpointUrl ?? env.AWS_ENDPOINT_URL_SAGEMAKER ?? env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT;

function clientFor(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): SageMakerClient {
  // partnerplane supports Node.js 20; the SDK's notice about its own future releases would only
  // clutter the progress and errors on stderr. Setting the variable to anything else shows it.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new SageMakerClient({
    endpoint: endpointOf(options, env),
    // AWS_DEFAULT_REGION is the AWS CLI's variable; the SDK itself reads AWS_REGION and the profile.
    region: options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    profile: options.profile,
  });
}

/** An ARN as given; a name is looked up among the region's apps (a live app before a deleted one). */
async function resolveArn(client: SageMakerClient, app: string): Promise<string> {
  if (app.startsWith('arn:')) return app;
  let deleted: PartnerAppSummary | undefined;
  for await (const page of paginateListPartnerApps({ client }, {})) {
    for (const summary of page.Summaries ?? []) {
      if (summary.Name !== app) continue;
      if (summary.Status !== 'Deleted') return summary.Arn!;
      deleted ??= summary;
    }
  }
  if (deleted) return deleted.Arn!;
  throw new CliError('ResourceNotFound', `No partner app named ${app} in region ${await client.config.region()}.`);
}

function print<T extends object>(options: GlobalOptions, value: T, asTable: (value: T) => string = (shown) => record(shown as Record<string, unknown>)): void {
  console.log(options.output === 'json' ? json(value) : asTable(value));
}

/** Waits if asked, prints the app as it ended, and fails the command if it ended in a failure. */
async function settle(client: SageMakerClient, options: GlobalOptions, flags: WaitFlags, arn: string, label: string, startedAs: WaitOptions['startedAs']): Promise<void> {
  if (!flags.wait) {
    print(options, { Arn: arn });
    return;
  }
  const app = await waitUntilSettled(client, arn, label, {
    pollIntervalMs: flags.pollInterval * 1000,
    timeoutMs: flags.waitTimeout * 1000,
    progress: process.stderr,
    startedAs,
  });
  if (!app) {
    print(options, { Arn: arn, Status: 'Deleted' });
    return;
  }
  print(options, withoutMetadata(app));
  if (FAILED_STATUSES.has(app.Status!)) {
    const reason = app.Error ? ` with ${app.Error.Code}: ${app.Error.Reason}` : '.';
    throw new CliError(app.Status!, `${label} ended ${app.Status}${reason}`);
  }
}

/** Runs an action with a client built from the global options; every failure becomes `<Code>: <message>`, status 1. */
function action<A extends unknown[]>(run: (client: SageMakerClient, options: GlobalOptions, ...args: A) => Promise<void>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const options = command.optsWithGlobals<GlobalOptions>();
    const client = clientFor(options);
    try {
      await run(client, options, ...(args.slice(0, -1) as A));
    } catch (error) {
      const { code, name, message } = error as Error & { code?: string };
      console.error(`${error instanceof CliError ? error.code : (code ?? name)}: ${message}`);
      process.exitCode = 1;
    } finally {
      client.destroy();
    }
  };
}

const addWaitOptions = (command: Command, until: string) =>
  command
    .option('--wait', `wait until the app ${until}, showing its progress`)
    .addOption(new Option('--poll-interval <seconds>', 'time between two checks while waiting').default(2).argParser(positiveNumber))
    .addOption(new Option('--wait-timeout <seconds>', 'give up waiting after this long').default(3600).argParser(positiveNumber));

interface CreateFlags extends WaitFlags {
  name: string;
  type: string;
  tier: string;
  executionRoleArn: string;
  authType: string;
  idcInstanceArn?: string;
  kmsKeyId?: string;
  maintenanceWindowStart?: string;
  adminUser?: string[];
  enableIamSessionBasedIdentity?: boolean;
  enableAutoMinorVersionUpgrade?: boolean;
  tag?: Tag[];
  clientToken?: string;
}

function createCommand(apps: Command): void {
  addWaitOptions(
    apps
      .command('create')
      .description('Create an app (CreatePartnerApp)')
      .requiredOption('--name <name>', 'the app\'s name')
      .requiredOption('--type <type>', 'lakera-guard, comet, deepchecks-llm-evaluation or fiddler')
      .requiredOption('--tier <tier>', 'the size of the app, e.g. small')
      .requiredOption('--execution-role-arn <arn>', 'the IAM role the app runs as')
      .option('--auth-type <type>', 'IAM or IDC', 'IAM')
      .option('--idc-instance-arn <arn>', 'the IAM Identity Center instance (AuthType IDC)')
      .option('--kms-key-id <key>', 'the KMS key that encrypts the app\'s data')
      .option('--maintenance-window-start <when>', 'weekly window start, e.g. Sun:02:00')
      .option('--admin-user <user>', 'an admin user of the app (repeatable)', collect)
      .option('--enable-iam-session-based-identity', 'apps see the IAM session name as the user')
      .option('--enable-auto-minor-version-upgrade', 'apply minor versions automatically')
      .option('--tag <key=value>', 'a tag (repeatable)', collectTags)
      .option('--client-token <token>', 'makes retries of this create idempotent'),
    'is Available (or Failed)',
  ).action(
    action(async (client, options, flags: CreateFlags) => {
      const request: CreatePartnerAppRequest = {
        Name: flags.name,
        // Checked by the service, which words the error as AWS does.
        Type: flags.type as CreatePartnerAppRequest['Type'],
        Tier: flags.tier,
        ExecutionRoleArn: flags.executionRoleArn,
        AuthType: flags.authType as CreatePartnerAppRequest['AuthType'],
        IdcConfig: flags.idcInstanceArn ? { InstanceArn: flags.idcInstanceArn } : undefined,
        KmsKeyId: flags.kmsKeyId,
        MaintenanceConfig: flags.maintenanceWindowStart ? { MaintenanceWindowStart: flags.maintenanceWindowStart } : undefined,
        ApplicationConfig: flags.adminUser && { AdminUsers: flags.adminUser },
        EnableIamSessionBasedIdentity: flags.enableIamSessionBasedIdentity,
        EnableAutoMinorVersionUpgrade: flags.enableAutoMinorVersionUpgrade,
        Tags: flags.tag,
        ClientToken: flags.clientToken,
      };
      const { Arn } = await client.send(new CreatePartnerAppCommand(request));
      await settle(client, options, flags, Arn!, flags.name, 'Creating');
    }),
  );
}

function listCommand(apps: Command): void {
  apps
    .command('list')
    .description('List the region\'s apps, newest first (ListPartnerApps, every page)')
    .action(
      action(async (client, options) => {
        const summaries: PartnerAppSummary[] = [];
        for await (const page of paginateListPartnerApps({ client }, {})) summaries.push(...(page.Summaries ?? []));
        print(options, { Summaries: summaries }, ({ Summaries }) => table(Summaries, ['Name', 'Type', 'Status', 'CreationTime', 'Arn']));
      }),
    );
}

function describeCommand(apps: Command): void {
  apps
    .command('describe')
    .description('Describe an app (DescribePartnerApp)')
    .argument('<app>', 'the app\'s name or ARN')
    .option('--include-available-upgrade', 'show the version the app can be upgraded to')
    .action(
      action(async (client, options, app: string, flags: { includeAvailableUpgrade?: boolean }) => {
        const described: DescribePartnerAppResponse = await client.send(
          new DescribePartnerAppCommand({ Arn: await resolveArn(client, app), IncludeAvailableUpgrade: flags.includeAvailableUpgrade }),
        );
        print(options, withoutMetadata(described));
      }),
    );
}

interface UpdateFlags extends WaitFlags {
  tier?: string;
  maintenanceWindowStart?: string;
  appVersion?: string;
  enableAutoMinorVersionUpgrade?: boolean;
  tag?: Tag[];
  clientToken?: string;
}

function updateCommand(apps: Command): void {
  addWaitOptions(
    apps
      .command('update')
      .description('Update an app (UpdatePartnerApp)')
      .argument('<app>', 'the app\'s name or ARN')
      .option('--tier <tier>', 'the new size')
      .option('--maintenance-window-start <when>', 'weekly window start, e.g. Sun:02:00')
      .option('--app-version <version>', 'upgrade to this version (see describe --include-available-upgrade)')
      .option('--enable-auto-minor-version-upgrade', 'apply minor versions automatically')
      .option('--no-enable-auto-minor-version-upgrade', 'do not apply minor versions automatically')
      .option('--tag <key=value>', 'a tag to add (repeatable)', collectTags)
      .option('--client-token <token>', 'makes retries of this update idempotent'),
    'is Available again (or UpdateFailed)',
  ).action(
    action(async (client, options, app: string, flags: UpdateFlags) => {
      const Arn = await resolveArn(client, app);
      const request: UpdatePartnerAppRequest = {
        Arn,
        Tier: flags.tier,
        MaintenanceConfig: flags.maintenanceWindowStart ? { MaintenanceWindowStart: flags.maintenanceWindowStart } : undefined,
        AppVersion: flags.appVersion,
        EnableAutoMinorVersionUpgrade: flags.enableAutoMinorVersionUpgrade,
        Tags: flags.tag,
        ClientToken: flags.clientToken,
      };
      await client.send(new UpdatePartnerAppCommand(request));
      await settle(client, options, flags, Arn, app, 'Updating');
    }),
  );
}

function deleteCommand(apps: Command): void {
  addWaitOptions(
    apps
      .command('delete')
      .description('Delete an app (DeletePartnerApp)')
      .argument('<app>', 'the app\'s name or ARN')
      .option('--client-token <token>', 'makes retries of this delete idempotent'),
    'is Deleted',
  ).action(
    action(async (client, options, app: string, flags: WaitFlags & { clientToken?: string }) => {
      const Arn = await resolveArn(client, app);
      await client.send(new DeletePartnerAppCommand({ Arn, ClientToken: flags.clientToken }));
      await settle(client, options, flags, Arn, app, 'Deleting');
    }),
  );
}

function openCommand(apps: Command): void {
  apps
    .command('open')
    .description('Print a presigned URL that signs in to the app (CreatePartnerAppPresignedUrl)')
    .argument('<app>', 'the app\'s name or ARN')
    .option('--expires-in-seconds <seconds>', 'how long the URL can be used', wholeNumber)
    .option('--session-expiration-duration-in-seconds <seconds>', 'how long the session it starts lasts', wholeNumber)
    .action(
      action(async (client, options, app: string, flags: { expiresInSeconds?: number; sessionExpirationDurationInSeconds?: number }) => {
        const { Url } = await client.send(
          new CreatePartnerAppPresignedUrlCommand({
            Arn: await resolveArn(client, app),
            ExpiresInSeconds: flags.expiresInSeconds,
            SessionExpirationDurationInSeconds: flags.sessionExpirationDurationInSeconds,
          }),
        );
        print(options, { Url }, ({ Url: url }) => String(url));
      }),
    );
}

function logsCommand(apps: Command): void {
  apps
    .command('logs')
    .description("Print what the app's backend wrote, stdout and stderr (partnerplane's own GET /logs/<app-id>)")
    .argument('<app>', 'the app\'s name or ARN')
    .option('-f, --follow', 'keep printing what it writes next, until interrupted')
    .option('--tail <bytes>', 'only the last <bytes> of what it wrote before', wholeNumber)
    .action(
      action(async (client, options, app: string, flags: { follow?: boolean; tail?: number }) => {
        const arn = await resolveArn(client, app);
        const url = new URL(`/logs/${arn.slice(arn.lastIndexOf('/') + 1)}`, endpointOf(options));
        if (flags.follow) url.searchParams.set('follow', 'true');
        if (flags.tail !== undefined) url.searchParams.set('tailBytes', String(flags.tail));
        const response = await fetch(url, { headers: await signedHeaders(client, url) });
        if (!response.ok) {
          const error = (await response.json().catch(() => ({}))) as { __type?: string; message?: string; Message?: string };
          throw new CliError(error.__type ?? `HTTP ${response.status}`, error.message ?? error.Message ?? response.statusText);
        }
        for await (const chunk of response.body ?? []) process.stdout.write(chunk);
      }),
    );
}

/** A GET of `url` signed as the SDK signs its calls: same credentials, region and service. */
async function signedHeaders(client: SageMakerClient, url: URL): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials: client.config.credentials, region: await client.config.region(), service: 'sagemaker', sha256: Hash.bind(null, 'sha256') });
  const request = { method: 'GET', protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname };
  const signed = await signer.sign({ ...request, query: Object.fromEntries(url.searchParams), headers: { host: url.host } });
  return signed.headers;
}

export function registerAppsCommands(program: Command): void {
  const apps = program
    .command('apps')
    .description('Create, list, describe, update, delete and open Partner AI apps on any endpoint; read their logs on partnerplane')
    .option('--endpoint-url <url>', `the API endpoint (env AWS_ENDPOINT_URL_SAGEMAKER or AWS_ENDPOINT_URL, default ${DEFAULT_ENDPOINT})`)
    .option('--region <region>', 'the region (env AWS_REGION or AWS_DEFAULT_REGION, else the profile\'s)')
    .option('--profile <name>', 'a profile of the shared AWS config and credentials files (env AWS_PROFILE)')
    .addOption(new Option('--output <format>', 'how results are printed').choices(OUTPUT_FORMATS).default('table'));
  for (const define of [createCommand, listCommand, describeCommand, updateCommand, deleteCommand, openCommand, logsCommand]) define(apps);
}
