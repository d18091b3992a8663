import { randomUUID } from 'node:crypto';
import type { SignedSlackClient } from '../signed-client.ts';
import type { EmulatedMessage, WorkspaceState } from '../slack-emulator/state.ts';

/** Who is acting in the console, and where. */
export interface Actor {
  user: { id: string; name: string };
  channel: { id: string; name: string };
}

export interface ActionInput {
  ts?: string;
  viewId?: string;
  actionId: string;
  blockId?: string;
  value?: string;
}

/** What a modal's form holds: block id → action id → `{ type, value | selected_option }`. */
export type ViewValues = Record<string, Record<string, Record<string, unknown>>>;

export interface InteractionDeps {
  state: WorkspaceState;
  client: () => SignedSlackClient;
  /** Where `response_url` points (the console's respond route). */
  responseUrl: (actor: Actor, messageTs?: string) => string;
  closeView: (viewId: string) => void;
  setViewErrors: (viewId: string, errors: Record<string, string> | undefined) => void;
}

const TEAM = { id: 'T0EMULATE', domain: 'emulated' };

/** Posts a message visible to one user only, as Slack shows ephemeral replies. */
export function postEphemeral(
  state: WorkspaceState,
  channel: string,
  visibleTo: string,
  content: { text?: string; blocks?: unknown[] },
  user = 'U0OPSBOT',
  threadTs?: string,
) {
  const message: EmulatedMessage = {
    channel,
    ts: state.nextTs(),
    thread_ts: threadTs,
    user,
    text: content.text ?? '',
    blocks: content.blocks,
    visibleTo,
    edits: 0,
  };
  state.messages.push(message);
  state.emit('message', message);
}

function newTrigger(state: WorkspaceState, userId: string): string {
  const trigger = `${Date.now()}.${randomUUID().slice(0, 8)}.console`;
  state.triggers.set(trigger, userId);
  return trigger;
}

function ackContent(json: Record<string, unknown> | undefined, text: string) {
  if (json && (json.text || json.blocks))
    return { text: String(json.text ?? ''), blocks: json.blocks as unknown[] | undefined };
  return text.trim() ? { text } : undefined;
}

/** A slash command typed in the composer: echoed to its sender, signed, sent; the ack shown. */
export async function sendCommand(deps: InteractionDeps, actor: Actor, text: string) {
  const [command = '/ops', ...rest] = text.trim().split(/\s+/);
  postEphemeral(deps.state, actor.channel.id, actor.user.id, { text }, actor.user.id);
  const triggerId = newTrigger(deps.state, actor.user.id);
  const answer = await deps.client().command(rest.join(' '), actor.user, {
    channel: actor.channel.id,
    command,
    triggerId,
    responseUrl: deps.responseUrl(actor),
  });
  const content = answer.status === 200 ? ackContent(answer.json, answer.text) : undefined;
  if (content) postEphemeral(deps.state, actor.channel.id, actor.user.id, content);
  if (answer.status !== 200)
    postEphemeral(deps.state, actor.channel.id, actor.user.id, {
      text: `The bot answered HTTP ${answer.status}: ${answer.text.slice(0, 300)}`,
    });
  return { status: answer.status };
}

function userOf(actor: Actor) {
  return {
    id: actor.user.id,
    username: actor.user.name,
    name: actor.user.name,
    team_id: TEAM.id,
  };
}

/** A button click, on a message or in a modal, sent as a signed `block_actions`. */
export async function sendAction(deps: InteractionDeps, actor: Actor, input: ActionInput) {
  const action = {
    type: 'button',
    action_id: input.actionId,
    block_id: input.blockId ?? '',
    value: input.value,
    action_ts: `${Date.now() / 1000}`,
  };
  const base = {
    type: 'block_actions',
    team: TEAM,
    user: userOf(actor),
    api_app_id: 'A0OPSBOT',
    token: 'deprecated-verification-token',
    trigger_id: newTrigger(deps.state, actor.user.id),
    actions: [action],
  };
  const view = input.viewId ? deps.state.views.find((v) => v.id === input.viewId) : undefined;
  if (view) {
    const payload = {
      ...base,
      container: { type: 'view', view_id: view.id },
      view: { id: view.id, ...view.view },
    };
    return { status: (await deps.client().interaction(payload)).status };
  }
  const message = deps.state.find(actor.channel.id, input.ts ?? '');
  if (!message) return { status: 404 };
  const payload = {
    ...base,
    container: {
      type: 'message',
      message_ts: message.ts,
      channel_id: message.channel,
      is_ephemeral: Boolean(message.visibleTo),
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    },
    channel: { id: actor.channel.id, name: actor.channel.name },
    message: {
      type: 'message',
      ts: message.ts,
      text: message.text,
      blocks: message.blocks ?? [],
      user: message.user,
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    },
    response_url: deps.responseUrl(actor, message.ts),
  };
  return { status: (await deps.client().interaction(payload)).status };
}

/** A modal's submit, sent as a signed `view_submission`; applies the `response_action` answer. */
export async function submitView(
  deps: InteractionDeps,
  actor: Actor,
  viewId: string,
  values: ViewValues,
) {
  const entry = deps.state.views.find((v) => v.id === viewId);
  if (!entry) return { status: 404 };
  const payload = {
    type: 'view_submission',
    team: TEAM,
    user: userOf(actor),
    api_app_id: 'A0OPSBOT',
    token: 'deprecated-verification-token',
    trigger_id: newTrigger(deps.state, actor.user.id),
    view: {
      id: entry.id,
      team_id: TEAM.id,
      ...entry.view,
      state: { values },
      hash: `${Date.now()}.console`,
    },
  };
  const answer = await deps.client().interaction(payload);
  const action = answer.json?.response_action;
  if (answer.status !== 200) return { status: answer.status };
  if (action === 'errors') {
    deps.setViewErrors(viewId, answer.json?.errors as Record<string, string>);
  } else if (action === 'update' || action === 'push') {
    entry.view = answer.json?.view as Record<string, unknown>;
    deps.setViewErrors(viewId, undefined);
    deps.state.emit('view', entry);
  } else {
    deps.closeView(viewId);
  }
  return { status: answer.status, responseAction: action };
}

/** What a bot sends to a `response_url`: a new ephemeral or public reply, or a change to the original. */
export function applyResponse(
  state: WorkspaceState,
  target: { user: string; channel: string; messageTs?: string },
  body: Record<string, unknown>,
) {
  const original = target.messageTs ? state.find(target.channel, target.messageTs) : undefined;
  if (original && body.delete_original) {
    state.messages.splice(state.messages.indexOf(original), 1);
    state.emit('message', original);
    return;
  }
  const content = { text: String(body.text ?? ''), blocks: body.blocks as unknown[] | undefined };
  if (original && body.replace_original) {
    original.text = content.text;
    original.blocks = content.blocks;
    original.edits += 1;
    state.emit('message', original);
    return;
  }
  if (body.response_type === 'in_channel') {
    const message: EmulatedMessage = {
      channel: target.channel,
      ts: state.nextTs(),
      user: 'U0OPSBOT',
      ...content,
      edits: 0,
    };
    state.messages.push(message);
    state.emit('message', message);
    return;
  }
  postEphemeral(state, target.channel, target.user, content);
}
