/** The console's HTML: the sign-in page, the apps page and the table rows the page polls for. */
import { APP_TYPES, TRANSITIONAL_STATUSES, type ObservedBackend, type PartnerAppStatus } from '../domain/partnerApp.js';
import { html, type SafeHtml } from './html.js';

/** Commercial regions offered by the selector; any other region can still be opened by URL. */
export const CONSOLE_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1',
  'eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2',
] as const;

export interface AppRow {
  arn: string;
  name: string;
  type: string;
  tier: string;
  status: PartnerAppStatus;
  version: string;
  /** Epoch ms. */
  creationTime: number;
  maintenanceWindowStart?: string;
  error?: string;
  /** Where its backend is, while that is worth saying: a start under way, a restart. */
  progress?: string;
}

/** Where an app's backend is, in words, while it is not simply running (or stopped, or failed: the error says why). */
export function backendProgress(status: PartnerAppStatus, backend: ObservedBackend | undefined): string | undefined {
  if (!backend) return undefined;
  const said = backend.detail ? `${backend.phase}: ${backend.detail}` : backend.phase;
  if (isTransitional(status)) return said;
  return backend.phase === 'restarting' ? said : undefined;
}

export interface Identity {
  accountId: string;
  principal: string;
}

function document(title: string, body: SafeHtml, csrfToken?: string): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${csrfToken === undefined ? '' : html`<meta name="csrf-token" content="${csrfToken}">`}
<title>${title}</title>
<link rel="stylesheet" href="/console/static/console.css">
</head>
<body>
${body}
</body>
</html>
`;
}

/** `localKey`: the server accepts only the documented local pair, so the page says so. */
export function signInPage(options: { accessKeyId?: string; error?: string; localKey?: boolean } = {}): SafeHtml {
  return document(
    'Sign in · partnerplane console',
    html`<main class="sign-in">
<h1>partnerplane console</h1>
<p class="muted">Sign in with an access key and its secret, as for any API call.</p>
${options.localKey ? html`<p class="local-key">This server runs without a credentials file: sign in with access key <code>test</code> and secret <code>test</code>.</p>` : ''}
<form method="post" action="/console/sign-in" autocomplete="on">
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
<label>Access key ID <input name="accessKeyId" autocomplete="username" value="${options.accessKeyId ?? ''}" spellcheck="false" autofocus></label>
<label>Secret access key <input name="secretAccessKey" type="password" autocomplete="current-password"></label>
<details><summary>Temporary credentials</summary>
<label>Session token <input name="sessionToken" type="password" autocomplete="off"></label>
</details>
<button type="submit">Sign in</button>
</form>
</main>`,
  );
}

const isTransitional = (status: PartnerAppStatus) => TRANSITIONAL_STATUSES.includes(status);

const formatTime = (epochMs: number) => `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function appRow(app: AppRow): SafeHtml {
  const busy = isTransitional(app.status);
  const gone = app.status === 'Deleted';
  const actions = gone
    ? ''
    : html`<button type="button" data-action="open" ${busy || app.status === 'Failed' ? 'disabled' : ''}>Open</button>
<button type="button" data-action="edit" ${busy ? 'disabled' : ''}>Edit</button>
<button type="button" data-action="delete" class="danger" ${busy ? 'disabled' : ''}>Delete</button>`;
  return html`<tr data-arn="${app.arn}" data-name="${app.name}" data-status="${app.status}" data-tier="${app.tier}" data-window="${app.maintenanceWindowStart ?? ''}">
<td data-label="Name" class="name">${app.name}</td>
<td data-label="Type">${app.type}</td>
<td data-label="Tier">${app.tier}</td>
<td data-label="Status"><span class="status status-${app.status.toLowerCase()}">${app.status}</span>${app.progress ? html`<small class="progress">${app.progress}</small>` : ''}${app.error ? html`<small class="reason">${app.error}</small>` : ''}</td>
<td data-label="Version">${app.version}</td>
<td data-label="Created"><time datetime="${new Date(app.creationTime).toISOString()}">${formatTime(app.creationTime)}</time></td>
<td class="actions">${actions}</td>
</tr>`;
}

/** The table body; the page replaces its own with this while it polls. */
export function appRows(apps: readonly AppRow[]): SafeHtml {
  if (apps.length === 0) return html`<tr class="empty"><td colspan="7">No partner apps in this region yet.</td></tr>`;
  return html`${apps.map(appRow)}`;
}

export function appsPage(view: { identity: Identity; region: string; apps: readonly AppRow[]; csrfToken: string }): SafeHtml {
  const regions = CONSOLE_REGIONS.includes(view.region as never) ? CONSOLE_REGIONS : [view.region, ...CONSOLE_REGIONS];
  return document(
    `Partner AI apps · ${view.region} · partnerplane`,
    html`<header class="bar">
<h1>partnerplane</h1>
<form class="region" method="get" action="/console">
<label>Region <select name="region" id="region">${regions.map((region) => html`<option ${region === view.region ? 'selected' : ''}>${region}</option>`)}</select></label>
<noscript><button type="submit">Go</button></noscript>
</form>
<p class="who" title="${view.identity.principal}">Account ${view.identity.accountId}</p>
<button type="button" id="sign-out">Sign out</button>
</header>
<main>
<p id="notice" role="status" class="notice" hidden></p>
<section aria-labelledby="apps-heading">
<h2 id="apps-heading">Partner AI apps in ${view.region}</h2>
<table class="apps">
<thead><tr><th>Name</th><th>Type</th><th>Tier</th><th>Status</th><th>Version</th><th>Created</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody id="app-rows" data-region="${view.region}">${appRows(view.apps)}</tbody>
</table>
</section>
<section aria-labelledby="create-heading">
<h2 id="create-heading">Create an app</h2>
<form id="create-form" class="fields" novalidate>
<label>Name <input name="Name" spellcheck="false" placeholder="mycomet"></label>
<label>Type <select name="Type">${APP_TYPES.map((type) => html`<option>${type}</option>`)}</select></label>
<label>Tier <input name="Tier" placeholder="small"></label>
<label>Execution role ARN <input name="ExecutionRoleArn" spellcheck="false" placeholder="arn:aws:iam::123456789012:role/PartnerAppRole"></label>
<label>Auth type <select name="AuthType"><option>IAM</option><option>IDC</option></select></label>
<label>Identity Center instance ARN <input name="IdcInstanceArn" spellcheck="false" placeholder="only for IDC"></label>
<label>Maintenance window start <input name="MaintenanceWindowStart" placeholder="Sun:02:00"></label>
<label>Root admin users <input name="AdminUsers" spellcheck="false" placeholder="comma-separated; comet and fiddler need one"></label>
<p class="error" role="alert" hidden></p>
<button type="submit">Create</button>
</form>
</section>
</main>
<dialog id="edit-dialog">
<form method="dialog" class="fields" novalidate>
<h2>Update <span class="app-name"></span></h2>
<label>Tier <input name="Tier"></label>
<label>Maintenance window start <input name="MaintenanceWindowStart" placeholder="Sun:02:00"></label>
<p class="error" role="alert" hidden></p>
<div class="buttons"><button type="button" value="cancel">Cancel</button><button type="submit" value="save">Update</button></div>
</form>
</dialog>
<dialog id="delete-dialog">
<form method="dialog" novalidate>
<h2>Delete <span class="app-name"></span>?</h2>
<p>The app and its data are deleted. This cannot be undone.</p>
<p class="error" role="alert" hidden></p>
<div class="buttons"><button type="button" value="cancel">Cancel</button><button type="submit" value="delete" class="danger">Delete</button></div>
</form>
</dialog>
<script src="/console/static/console.js" defer></script>`,
    view.csrfToken,
  );
}
