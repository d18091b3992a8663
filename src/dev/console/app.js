// The local console's page script: fetches the workspace state, renders it with the same Block Kit
// renderer the unit tests check, and sends every action to the console's server routes, which sign
// it and pass it to the bot exactly as Slack would.
import { escapeHtml, renderMessage, renderText, renderView } from './render-blocks.js';

const $ = (id) => document.getElementById(id);
const ui = { user: '', channel: '', thread: '', data: undefined, openView: '' };
// This session's token, embedded in the page by the server; every API call carries it.
const token = document.querySelector('meta[name="opsbot-console-token"]').content;

async function post(path, body) {
  const response = await fetch(`/console/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-opsbot-console-token': token },
    body: JSON.stringify({ user: ui.user, channel: ui.channel, ...body }),
  });
  return response.json();
}

function names() {
  const users = Object.fromEntries(ui.data.users.map((u) => [u.id, u.name]));
  users.U0OPSBOT = 'opsbot';
  const channels = Object.fromEntries(ui.data.channels.map((c) => [c.id, c.name]));
  return { users, channels };
}

const visible = (m) => !m.visibleTo || m.visibleTo === ui.user;

function renderOne(m, replies) {
  const options = names();
  const who = options.users[m.user] ?? m.user;
  const time = new Date(Number(m.ts) * 1000).toLocaleTimeString();
  const edited = m.edits ? ' <span class="edited">(edited)</span>' : '';
  const only = m.visibleTo ? ' <span class="muted">· only visible to you</span>' : '';
  const files = (m.files ?? [])
    .map((f) => `<pre class="bk-code" title="${escapeHtml(f.name)}">${escapeHtml(f.content)}</pre>`)
    .join('');
  const thread = replies
    ? `<button type="button" class="thread-link" data-thread="${m.ts}">${replies} ${replies === 1 ? 'reply' : 'replies'}</button>`
    : '';
  return `<div class="message${m.visibleTo ? ' ephemeral' : ''}" data-ts="${m.ts}">
    <div class="meta"><b>${escapeHtml(who)}</b> ${time}${edited}${only}</div>
    ${renderMessage(m, options)}${files}${thread}</div>`;
}

function renderMessages() {
  const all = ui.data.messages.filter((m) => m.channel === ui.channel && visible(m));
  const top = all.filter((m) => !m.thread_ts || m.thread_ts === m.ts);
  const replies = (ts) => all.filter((m) => m.thread_ts === ts && m.ts !== ts).length;
  const list = $('messages');
  const atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 20;
  list.innerHTML = top.map((m) => renderOne(m, replies(m.ts))).join('');
  if (atEnd) list.scrollTop = list.scrollHeight;
  const pane = $('thread');
  pane.hidden = !ui.thread;
  if (ui.thread) {
    const inThread = all.filter((m) => m.ts === ui.thread || m.thread_ts === ui.thread);
    $('thread-messages').innerHTML = inThread.map((m) => renderOne(m, 0)).join('');
  }
}

function renderChrome() {
  const { users, channels, aws } = ui.data;
  if (!$('user').options.length) {
    $('user').innerHTML = users
      .map((u) => `<option value="${u.id}">${escapeHtml(u.name)}</option>`)
      .join('');
    $('user').value = ui.user;
  }
  $('role').textContent = users.find((u) => u.id === ui.user)?.role ?? '';
  $('aws').textContent = ui.data.realAws ? 'REAL AWS' : 'AWS: SANDBOX';
  $('aws').className = ui.data.realAws ? 'real-aws' : 'sandbox';
  $('aws-ports').innerHTML = Object.entries(aws)
    .map(
      ([port, what]) =>
        `<li data-port="${escapeHtml(port)}"><b>${escapeHtml(port)}</b> ${escapeHtml(what)}</li>`,
    )
    .join('');
  $('channels').innerHTML = channels
    .map(
      (c) =>
        `<button type="button" class="channel${c.id === ui.channel ? ' active' : ''}" data-channel="${c.id}"># ${escapeHtml(c.name)}</button>`,
    )
    .join('');
}

function renderModal() {
  const views = ui.data.views.filter((v) => !v.user || v.user === ui.user);
  const view = views[views.length - 1];
  $('modal').hidden = !view;
  if (!view) return;
  const changed =
    ui.openView !== `${view.id}:${JSON.stringify(view.view)}:${JSON.stringify(view.errors)}`;
  if (!changed) return;
  ui.openView = `${view.id}:${JSON.stringify(view.view)}:${JSON.stringify(view.errors)}`;
  $('modal-form').dataset.viewId = view.id;
  $('modal-title').innerHTML = renderText(view.view.title);
  $('modal-body').innerHTML = renderView(view.view, names(), view.errors);
  $('modal-submit').hidden = !view.view.submit;
  if (view.view.submit) $('modal-submit').innerHTML = renderText(view.view.submit);
  $('modal-close').innerHTML = view.view.close ? renderText(view.view.close) : 'Cancel';
}

async function refresh() {
  const response = await fetch('/console/api/state', {
    headers: { 'x-opsbot-console-token': token },
  });
  ui.data = await response.json();
  ui.user ||= ui.data.users[0].id;
  ui.channel ||= ui.data.channels[0].id;
  renderChrome();
  renderMessages();
  renderModal();
}

function formValues() {
  const values = {};
  for (const input of $('modal-body').querySelectorAll('[data-element-type]')) {
    const block = input.dataset.blockId;
    const action = input.dataset.actionId;
    const type = input.dataset.elementType;
    values[block] ??= {};
    values[block][action] =
      type === 'static_select'
        ? {
            type,
            selected_option: input.value
              ? {
                  value: input.value,
                  text: { type: 'plain_text', text: input.selectedOptions[0].text },
                }
              : null,
          }
        : { type, value: input.value || null };
  }
  return values;
}

function say(text) {
  $('notice').textContent = text;
}

document.addEventListener('click', async (event) => {
  const target = event.target.closest('button');
  if (!target) return;
  if (target.dataset.channel) {
    ui.channel = target.dataset.channel;
    ui.thread = '';
    renderChrome();
    renderMessages();
  } else if (target.dataset.thread) {
    ui.thread = target.dataset.thread;
    renderMessages();
  } else if (target.dataset.actionId && !target.closest('#modal')) {
    const ts = target.closest('[data-ts]')?.dataset.ts;
    const { actionId, blockId, value } = target.dataset;
    const answer = await post('action', { ts, actionId, blockId, value });
    if (answer.status !== 200) say(`The bot answered HTTP ${answer.status} to that click.`);
  } else if (target.dataset.actionId) {
    const viewId = $('modal-form').dataset.viewId;
    const { actionId, blockId, value } = target.dataset;
    await post('action', { viewId, actionId, blockId, value });
  }
});

$('user').addEventListener('change', () => {
  ui.user = $('user').value;
  ui.openView = '';
  refresh();
});
$('close-thread').addEventListener('click', () => {
  ui.thread = '';
  renderMessages();
});
$('composer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('command').value.trim();
  if (!text.startsWith('/')) return say('Type a slash command, for example /ops help');
  $('command').value = '/ops ';
  const answer = await post('command', { text });
  say(answer.status === 200 ? '' : `The bot answered HTTP ${answer.status}.`);
});
$('modal-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const viewId = $('modal-form').dataset.viewId;
  const answer = await post('view', { viewId, values: formValues() });
  if (answer.status !== 200) say(`The bot answered HTTP ${answer.status} to the form.`);
});
$('modal-close').addEventListener('click', () => {
  post('view-close', { viewId: $('modal-form').dataset.viewId });
});
$('fire-alert').addEventListener('click', async () => {
  const answer = await post('alert', {});
  say(`Demo alert sent: the bot answered HTTP ${answer.status} ${answer.text ?? ''}`);
});

new EventSource(`/console/api/events?token=${encodeURIComponent(token)}`).addEventListener(
  'change',
  refresh,
);
