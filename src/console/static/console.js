// The apps page's behaviour: keep the table live while apps change, send the forms to the API
// through the console, and open apps. Messages are set as text, never parsed as HTML; the only
// HTML taken from the server is the table rows, which the server renders (escaped) itself.
'use strict';

const FAST_POLL_MS = 1000; // while an app is Creating, Updating or Deleting
const SLOW_POLL_MS = 10000; // to notice changes made elsewhere
const TRANSITIONAL = ['Creating', 'Updating', 'Deleting'];

const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const rows = document.getElementById('app-rows');
const region = rows.dataset.region;
const notice = document.getElementById('notice');

class ConsoleError extends Error {}

function signInAgain() {
  window.location.assign('/console');
  return new ConsoleError('Signed out.');
}

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken },
    body: JSON.stringify(body),
  });
  if (response.status === 401) throw signInAgain();
  if (response.status === 204) return {};
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ConsoleError(`${data.__type || `HTTP ${response.status}`}: ${data.message || data.Message || response.statusText}`);
  return data;
}

const callApi = (operation, input) => post(`/console/api/${operation}?region=${encodeURIComponent(region)}`, input);

function show(element, text) {
  element.textContent = text;
  element.hidden = !text;
}

function say(text) {
  show(notice, text);
}

// ---- the live table ----------------------------------------------------------------------------

let pollTimer;
let lastRows;

function schedulePoll() {
  clearTimeout(pollTimer);
  const busy = [...rows.querySelectorAll('tr[data-status]')].some((row) => TRANSITIONAL.includes(row.dataset.status));
  pollTimer = setTimeout(refresh, busy ? FAST_POLL_MS : SLOW_POLL_MS);
}

async function refresh() {
  clearTimeout(pollTimer);
  try {
    const response = await fetch(`/console/rows?region=${encodeURIComponent(region)}`, { credentials: 'same-origin', cache: 'no-store' });
    if (response.status === 401) {
      signInAgain();
      return;
    }
    if (response.ok) {
      const text = await response.text();
      if (text !== lastRows) rows.innerHTML = text;
      lastRows = text;
    }
  } catch {
    // The server is unreachable for a moment: the next poll tries again.
  }
  schedulePoll();
}

schedulePoll();

document.getElementById('region').addEventListener('change', (event) => {
  window.location.assign(`/console?region=${encodeURIComponent(event.target.value)}`);
});

document.getElementById('sign-out').addEventListener('click', async () => {
  await post('/console/sign-out', {}).catch(() => undefined);
  window.location.assign('/console');
});

/** Runs a form's submission with its button disabled and its errors shown in the form. */
async function submitting(form, action) {
  const error = form.querySelector('.error');
  const button = form.querySelector('button[type="submit"]');
  show(error, '');
  button.disabled = true;
  try {
    await action();
    return true;
  } catch (caught) {
    show(error, caught.message);
    return false;
  } finally {
    button.disabled = false;
  }
}

// ---- create --------------------------------------------------------------------------------------

const createForm = document.getElementById('create-form');

/** The form as CreatePartnerApp's input: empty fields are left out, as a caller would leave them out. */
function createInput() {
  const field = (name) => createForm.elements[name].value.trim() || undefined;
  const windowStart = field('MaintenanceWindowStart');
  const idcInstanceArn = field('IdcInstanceArn');
  const adminUsers = (field('AdminUsers') ?? '').split(',').map((user) => user.trim()).filter(Boolean);
  return {
    Name: field('Name'),
    Type: field('Type'),
    Tier: field('Tier'),
    ExecutionRoleArn: field('ExecutionRoleArn'),
    AuthType: field('AuthType'),
    IdcConfig: idcInstanceArn && { InstanceArn: idcInstanceArn },
    MaintenanceConfig: windowStart && { MaintenanceWindowStart: windowStart },
    ApplicationConfig: adminUsers.length > 0 ? { AdminUsers: adminUsers } : undefined,
  };
}

createForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = createInput();
  const created = await submitting(createForm, () => callApi('CreatePartnerApp', input));
  if (created) {
    createForm.elements.Name.value = '';
    say(`Creating ${input.Name}.`);
    refresh();
  }
});

// ---- row actions: open, edit, delete -------------------------------------------------------------

const editDialog = document.getElementById('edit-dialog');
const deleteDialog = document.getElementById('delete-dialog');
let selected; // the row's data of the app a dialog is about

for (const dialog of [editDialog, deleteDialog]) {
  dialog.querySelector('button[value="cancel"]').addEventListener('click', () => dialog.close());
}

function openDialog(dialog, app) {
  selected = app;
  dialog.querySelector('.app-name').textContent = app.name;
  show(dialog.querySelector('.error'), '');
  dialog.showModal();
}

async function openApp(app) {
  // Opened now, while the click still counts as the user's, so no popup blocker stops it.
  const tab = window.open('', '_blank');
  try {
    const { Url } = await callApi('CreatePartnerAppPresignedUrl', { Arn: app.arn });
    if (!tab) {
      window.location.assign(Url);
      return;
    }
    tab.opener = null;
    tab.location.href = Url;
  } catch (caught) {
    if (tab) tab.close();
    say(caught.message);
  }
}

rows.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const app = { ...button.closest('tr').dataset };
  say('');
  if (button.dataset.action === 'open') openApp(app);
  if (button.dataset.action === 'edit') {
    editDialog.querySelector('[name="Tier"]').value = app.tier;
    editDialog.querySelector('[name="MaintenanceWindowStart"]').value = app.window;
    openDialog(editDialog, app);
  }
  if (button.dataset.action === 'delete') openDialog(deleteDialog, app);
});

/** UpdatePartnerApp's input: only what the dialog changed; a cleared window removes the window. */
function updateInput(form, app) {
  const input = { Arn: app.arn };
  const tier = form.elements.Tier.value.trim();
  const windowStart = form.elements.MaintenanceWindowStart.value.trim();
  if (tier !== app.tier) input.Tier = tier;
  if (windowStart !== app.window) input.MaintenanceConfig = windowStart ? { MaintenanceWindowStart: windowStart } : {};
  return input;
}

editDialog.querySelector('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = updateInput(event.target, selected);
  if (Object.keys(input).length === 1) {
    editDialog.close();
    return;
  }
  if (await submitting(event.target, () => callApi('UpdatePartnerApp', input))) {
    editDialog.close();
    say(`Updating ${selected.name}.`);
    refresh();
  }
});

deleteDialog.querySelector('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (await submitting(event.target, () => callApi('DeletePartnerApp', { Arn: selected.arn }))) {
    deleteDialog.close();
    say(`Deleting ${selected.name}.`);
    refresh();
  }
});
