import { EventEmitter } from 'node:events';

export interface EmulatedMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  user: string;
  text: string;
  blocks?: unknown[];
  /** Set for an ephemeral message: only this user sees it. */
  visibleTo?: string;
  files?: { id: string; title: string; name: string; content: string }[];
  edits: number;
}

export interface EmulatedCall {
  method: string;
  args: Record<string, unknown>;
  token?: string;
  status: number;
  error?: string;
  at: number;
}

export interface EmulatedView {
  id: string;
  user?: string;
  view: Record<string, unknown>;
}

/** Everything the emulated workspace holds. Emits `message` (new or edited), `view` and `call`. */
export class WorkspaceState extends EventEmitter {
  /**
   * `members`: whom was invited or added. `creator`: who made the channel (conversations.create);
   * Slack makes the creator a member, and users.conversations counts them so (see `memberOf`).
   */
  readonly channels = new Map<
    string,
    { id: string; name: string; members: Set<string>; creator?: string }
  >();
  readonly users = new Map<string, { id: string; name: string; real_name: string }>();
  readonly usergroups = new Map<string, { id: string; handle: string; users: string[] }>();
  readonly messages: EmulatedMessage[] = [];
  readonly calls: EmulatedCall[] = [];
  readonly views: EmulatedView[] = [];
  readonly uploads = new Map<
    string,
    /** `contentType`: how the bytes came to the upload URL (raw or a multipart form). */
    { name: string; title?: string; content?: string; contentType?: string }
  >();
  /** trigger_id → user id, registered by whoever sends the interaction (the local console). */
  readonly triggers = new Map<string, string>();
  /**
   * Users conversations.invite refuses for reasons of the workspace (a guest, a restricted
   * account), with the per-user error Slack answers for each, such as `user_is_restricted`.
   */
  readonly inviteRefusals = new Map<string, string>();
  private clock = 0;

  nextTs(): string {
    const now = Date.now() * 1000;
    this.clock = Math.max(this.clock + 1, now);
    const seconds = Math.floor(this.clock / 1_000_000);
    return `${seconds}.${String(this.clock % 1_000_000).padStart(6, '0')}`;
  }

  addChannel(id: string, name: string, members: string[] = [], creator?: string) {
    this.channels.set(id, { id, name, members: new Set(members), ...(creator ? { creator } : {}) });
  }

  /** The channels `user` is in: a member, or their creator. */
  memberOf(user: string) {
    return [...this.channels.values()].filter((c) => c.members.has(user) || c.creator === user);
  }

  /**
   * The app's direct-message conversation with a user (its App Home Messages tab), opened on first
   * use: what `chat.postMessage` with a user id as `channel` posts into.
   */
  imWith(user: string, botUserId: string): string {
    const id = `D${user.slice(1)}`;
    if (!this.channels.has(id)) this.addChannel(id, `im-${user}`, [botUserId, user]);
    return id;
  }

  addUser(id: string, name: string, realName = name) {
    this.users.set(id, { id, name, real_name: realName });
  }

  setUsergroup(id: string, handle: string, users: string[]) {
    this.usergroups.set(id, { id, handle, users });
  }

  /** A message by channel and ts, newest first: the one a call names is usually recent. */
  find(channel: string, ts: string): EmulatedMessage | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i]!;
      if (m.ts === ts && m.channel === channel) return m;
    }
    return undefined;
  }

  /** The public (non-ephemeral) messages of a channel, optionally only one thread's replies. */
  channelMessages(channel: string, threadTs?: string): EmulatedMessage[] {
    return this.messages.filter(
      (m) =>
        m.channel === channel &&
        !m.visibleTo &&
        (threadTs === undefined || m.thread_ts === threadTs),
    );
  }

  callsTo(method: string): EmulatedCall[] {
    return this.calls.filter((c) => c.method === method && c.status === 200 && !c.error);
  }
}
