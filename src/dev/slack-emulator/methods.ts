import { conversationsInvite } from './invite.ts';
import { checkBlocks, checkView } from './limits.ts';
import type { WorkspaceState } from './state.ts';

export type MethodResult = Record<string, unknown> & { ok: boolean; error?: string };
export type Method = (
  args: Record<string, unknown>,
  ctx: { state: WorkspaceState; botUserId: string; baseUrl: string },
) => MethodResult;

const fail = (error: string): MethodResult => ({ ok: false, error });
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

function checkChannel(state: WorkspaceState, channel: unknown): string | undefined {
  if (typeof channel !== 'string' || channel === '') return 'channel_not_found';
  return state.channels.has(channel) ? undefined : 'channel_not_found';
}

function checkContent(args: Record<string, unknown>): string | undefined {
  const blocks = args.blocks;
  if (blocks === undefined && !str(args.text) && !args.attachments) return 'no_text';
  return checkBlocks(blocks);
}

/** The Web API methods opsbot calls, with Slack's validation and error codes. */
export const METHODS: Record<string, Method> = {
  'auth.test': (_args, { botUserId }) => ({
    ok: true,
    url: 'https://emulated.slack.local/',
    team: 'Emulated',
    user: 'opsbot',
    team_id: 'T0EMULATE',
    user_id: botUserId,
    bot_id: 'B0OPSBOT',
  }),

  'chat.postMessage': (args, { state, botUserId }) => {
    // A user id as `channel` posts into the app's DM with that user (Slack answers with the D… id).
    if (typeof args.channel === 'string' && state.users.has(args.channel))
      args = { ...args, channel: state.imWith(args.channel, botUserId) };
    const problem = checkChannel(state, args.channel) ?? checkContent(args);
    if (problem) return fail(problem);
    const channel = String(args.channel);
    const thread = str(args.thread_ts);
    if (thread && !state.find(channel, thread)) return fail('thread_not_found');
    const message = {
      channel,
      ts: state.nextTs(),
      thread_ts: thread,
      user: botUserId,
      text: str(args.text) ?? '',
      blocks: args.blocks as unknown[] | undefined,
      edits: 0,
    };
    state.messages.push(message);
    state.emit('message', message);
    return {
      ok: true,
      channel,
      ts: message.ts,
      message: { text: message.text, ts: message.ts, thread_ts: thread },
    };
  },

  'chat.update': (args, { state }) => {
    const problem = checkChannel(state, args.channel) ?? checkContent(args);
    if (problem) return fail(problem);
    const message = state.find(String(args.channel), String(args.ts ?? ''));
    if (!message || message.visibleTo) return fail('message_not_found');
    message.text = str(args.text) ?? message.text;
    if (args.blocks !== undefined) message.blocks = args.blocks as unknown[];
    message.edits += 1;
    state.emit('message', message);
    return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
  },

  'chat.postEphemeral': (args, { state, botUserId }) => {
    const problem = checkChannel(state, args.channel) ?? checkContent(args);
    if (problem) return fail(problem);
    const user = str(args.user);
    if (!user || !state.users.has(user)) return fail('user_not_found');
    const message = {
      channel: String(args.channel),
      ts: state.nextTs(),
      thread_ts: str(args.thread_ts),
      user: botUserId,
      text: str(args.text) ?? '',
      blocks: args.blocks as unknown[] | undefined,
      visibleTo: user,
      edits: 0,
    };
    state.messages.push(message);
    state.emit('message', message);
    return { ok: true, message_ts: message.ts };
  },

  'chat.getPermalink': (args, { state }) => {
    const message = state.find(String(args.channel), String(args.message_ts ?? ''));
    if (!message) return fail('message_not_found');
    return {
      ok: true,
      channel: message.channel,
      permalink: `https://emulated.slack.local/archives/${message.channel}/p${message.ts.replace('.', '')}`,
    };
  },

  'views.open': (args, { state }) => {
    if (!str(args.trigger_id)) return fail('invalid_trigger_id');
    const viewProblem = checkView(args.view);
    if (viewProblem) return fail(viewProblem);
    const view = args.view as Record<string, unknown>;
    const entry = {
      id: `V${state.views.length + 1}`.padEnd(9, '0'),
      user: state.triggers.get(String(args.trigger_id)),
      view,
    };
    state.views.push(entry);
    state.emit('view', entry);
    return { ok: true, view: { id: entry.id, ...view } };
  },

  'views.update': (args, { state }) => {
    const entry = state.views.find((v) => v.id === args.view_id);
    if (!entry) return fail('not_found');
    const viewProblem = checkView(args.view);
    if (viewProblem) return fail(viewProblem);
    entry.view = args.view as Record<string, unknown>;
    state.emit('view', entry);
    return { ok: true, view: { id: entry.id, ...entry.view } };
  },

  'usergroups.users.list': (args, { state }) => {
    const group = state.usergroups.get(String(args.usergroup ?? ''));
    if (!group) return fail('no_such_subteam');
    return { ok: true, users: [...group.users] };
  },

  'users.info': (args, { state }) => {
    const user = state.users.get(String(args.user ?? ''));
    return user
      ? {
          ok: true,
          user: { ...user, profile: { display_name: user.name, real_name: user.real_name } },
        }
      : fail('user_not_found');
  },

  'conversations.create': (args, { state, botUserId }) => {
    const name = str(args.name);
    if (!name || !/^[a-z0-9_-]{1,80}$/.test(name)) return fail('invalid_name_specials');
    if ([...state.channels.values()].some((c) => c.name === name)) return fail('name_taken');
    const id = `C${String(state.channels.size + 1).padStart(8, '0')}`;
    state.addChannel(id, name, [], botUserId);
    return { ok: true, channel: { id, name, creator: botUserId, is_member: true } };
  },

  /**
   * The caller's channels (the bot's: those it made or was added to), `limit` (default 100, at
   * most 999) per page with a cursor, as Slack answers. The emulator archives nothing and keeps
   * no private channels, so `exclude_archived` and `types` change nothing here.
   */
  'users.conversations': (args, { state, botUserId }) => {
    const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
    const start = Number(str(args.cursor)?.replace(/^offset:/, '') ?? 0) || 0;
    const all = state.memberOf(str(args.user) ?? botUserId).filter((c) => c.id.startsWith('C'));
    const more = start + limit < all.length;
    return {
      ok: true,
      channels: all.slice(start, start + limit).map((c) => ({
        id: c.id,
        name: c.name,
        is_channel: true,
        is_archived: false,
        is_private: false,
      })),
      response_metadata: { next_cursor: more ? `offset:${start + limit}` : '' },
    };
  },

  'conversations.invite': conversationsInvite,

  /**
   * Top-level messages, newest first, `limit` (default 100, at most 999) per page with a cursor,
   * as Slack answers; the bot must be a member (`not_in_channel` otherwise). No ephemerals.
   */
  'conversations.history': (args, { state, botUserId }) => {
    const channel = state.channels.get(String(args.channel ?? ''));
    if (!channel) return fail('channel_not_found');
    if (!channel.members.has(botUserId)) return fail('not_in_channel');
    const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
    const start = Number(str(args.cursor)?.replace(/^offset:/, '') ?? 0) || 0;
    const all = state.messages
      .filter(
        (m) => m.channel === channel.id && !m.visibleTo && (!m.thread_ts || m.thread_ts === m.ts),
      )
      .reverse();
    const page = all.slice(start, start + limit).map((m) => ({
      type: 'message',
      user: m.user,
      text: m.text,
      ts: m.ts,
      ...(m.user === botUserId ? { bot_id: 'B0OPSBOT' } : {}),
    }));
    const more = start + limit < all.length;
    return {
      ok: true,
      messages: page,
      has_more: more,
      response_metadata: { next_cursor: more ? `offset:${start + limit}` : '' },
    };
  },

  'conversations.members': (args, { state }) => {
    const channel = state.channels.get(String(args.channel ?? ''));
    return channel ? { ok: true, members: [...channel.members] } : fail('channel_not_found');
  },

  'files.getUploadURLExternal': (args, { state, baseUrl }) => {
    const filename = str(args.filename);
    if (!filename || !args.length) return fail('invalid_arguments');
    const id = `F${String(state.uploads.size + 1).padStart(8, '0')}`;
    state.uploads.set(id, { name: filename });
    return { ok: true, upload_url: `${baseUrl}__upload/${id}`, file_id: id };
  },

  'files.completeUploadExternal': (args, { state, botUserId }) => {
    const files = (typeof args.files === 'string' ? JSON.parse(args.files) : args.files) as {
      id: string;
      title?: string;
    }[];
    if (!Array.isArray(files) || files.length === 0) return fail('invalid_arguments');
    const uploaded = [];
    for (const f of files) {
      const upload = state.uploads.get(f.id);
      if (!upload || upload.content === undefined) return fail('file_not_found');
      uploaded.push({
        id: f.id,
        title: f.title ?? upload.name,
        name: upload.name,
        content: upload.content,
      });
    }
    const channel = str(args.channel_id);
    if (channel) {
      const problem = checkChannel(state, channel);
      if (problem) return fail(problem);
      const message = {
        channel,
        ts: state.nextTs(),
        thread_ts: str(args.thread_ts),
        user: botUserId,
        text: str(args.initial_comment) ?? '',
        files: uploaded,
        edits: 0,
      };
      state.messages.push(message);
      state.emit('message', message);
    }
    return { ok: true, files: uploaded.map(({ id, title, name }) => ({ id, title, name })) };
  },
};
