import type { FileConfig } from '../config/file.ts';
import type { RichText } from '../sdk/output.ts';
import type { Incident } from './store.ts';

/**
 * What incidents tell people, as neutral views: the parent message, its thread replies and a
 * refusal for whoever clicked. src/slack/blocks/incident.ts renders them; src/slack writes them.
 */

/** A runbook button as shown: its value is an id the server looks up, never a command line. */
export interface RunbookButton {
  label: string;
  value: string;
  style?: 'primary' | 'danger';
}

/** The parent message: the incident as it stands and the runbook buttons it offers. */
export interface IncidentView {
  incident: Incident;
  runbooks: RunbookButton[];
}

/** Who an escalation pages: the configured on-call group (a Slack user group or listed users). */
export type Oncall = FileConfig['groups'][string];

/**
 * An invitee Slack would not put in an incident channel, with its error for them
 * (`user_is_restricted`, `user_not_found`, …; src/slack/invite-users.ts).
 */
export interface InviteRefusal {
  user: string;
  error: string;
}

/** A message about an incident: a reply in its thread, or a post in its own channel. */
export type IncidentNote =
  | { kind: 'repeated'; repeats: number; since: number; total: number; lastSeen: number }
  | { kind: 'resolved'; incident: Incident }
  /** `clearedAck`: who had acknowledged it before it resolved (the reopen cleared that). */
  | { kind: 'reopened'; incident: Incident; clearedAck?: string }
  /** The alarm of an open incident has insufficient data (CloudWatch): it stays open. */
  | { kind: 'insufficient-data'; title: string; reason?: string; stateChange?: string }
  | { kind: 'escalated'; by: string; oncall: Oncall }
  | { kind: 'discuss-in'; channel: string }
  | { kind: 'channel-opened'; title: string; thread: string }
  /**
   * For a severity that gets a channel of its own, none was opened: Slack refused (`refusal`, its
   * code: restricted_action, …) or kept failing until the opener gave up. The thread is the place.
   */
  | { kind: 'no-channel'; refusal?: string }
  /** Whom Slack refused to invite into the incident's own channel: they are not in it. */
  | { kind: 'not-invited'; refused: InviteRefusal[] };

/** Why a click changed nothing, for the clicker alone ("refused, because …"). */
export type Refusal = RichText;

/**
 * The Slack calls incidents make, in views. A rate-limited call rejects with an error carrying
 * `retryAfter` (seconds), so the outbox can back off and retry it.
 */
export interface IncidentNotices {
  /** Posts the parent message; resolves to its ts. */
  postParent(channel: string, view: IncidentView): Promise<string>;
  updateParent(channel: string, ts: string, view: IncidentView): Promise<void>;
  /** Posts `note` in `channel`, in the thread of `threadTs` when given. */
  post(channel: string, note: IncidentNote, threadTs?: string): Promise<void>;
  /**
   * Creates a public channel; resolves to its id. Rejects as Slack answered: a 429 with
   * `retryAfter`, a refusal with Slack's code (`refusalOf` in src/notify: `name_taken`, …).
   */
  createChannel(name: string): Promise<string>;
  /** The id of a channel named `name` the bot is in (it made it), not archived; else undefined. */
  ownChannel(name: string): Promise<string | undefined>;
  /** Invites `users` into `channel`; resolves to whom Slack refused (the rest are in it). */
  invite(channel: string, users: string[]): Promise<InviteRefusal[]>;
  usergroupMembers(usergroup: string): Promise<string[]>;
}
