/**
 * The HTML the gateway itself writes: its refusal pages and the built-in app's page. Every value
 * that comes from a request or an app's settings goes through escapeHtml.
 */
import type { ServerResponse } from 'node:http';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);

function document(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; color: #1d232a; }
h1 { font-size: 1.4rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1.2rem; }
dt { font-weight: 600; }
dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
.muted { color: #5f6b76; font-size: .9rem; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export function writeHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    // The gateway's own pages need no scripts and must never be framed by another site.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : html);
}

/** A page saying why the gateway did not let the request through. */
export function errorPage(title: string, detail: string, requestId: string): string {
  return document(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(detail)}</p>
<p class="muted">Request id ${escapeHtml(requestId)}</p>`,
  );
}

export interface BuiltInAppView {
  name: string;
  type: string;
  tier: string;
  version: string;
  arn: string;
  identity: string;
  /** How the caller reached the app: a browser session or a SigV4-signed request. */
  via: 'session' | 'signed-request';
}

export function builtInAppPage(view: BuiltInAppView): string {
  const rows: [string, string][] = [
    ['Name', view.name],
    ['Type', view.type],
    ['Tier', view.tier],
    ['Version', view.version],
    ['ARN', view.arn],
    ['Signed in as', view.identity],
  ];
  return document(
    `${view.name} (${view.type})`,
    `<h1>${escapeHtml(view.name)}</h1>
<p>This is partnerplane's built-in stand-in for a <strong>${escapeHtml(view.type)}</strong> partner app.</p>
<dl>
${rows.map(([label, value]) => `<dt>${label}</dt><dd data-field="${label.toLowerCase().replace(/ /g, '-')}">${escapeHtml(value)}</dd>`).join('\n')}
</dl>
<p class="muted">Reached through ${view.via === 'session' ? 'a presigned-URL session' : 'a SigV4-signed request'}.</p>`,
  );
}
