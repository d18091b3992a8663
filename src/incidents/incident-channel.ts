import type { AlertsConfig } from '../config/alerts.ts';
import type { FileConfig } from '../config/file.ts';
import type { Logger } from '../log.ts';
import { RetriesSpent, refusalOf, retrySlackCall } from '../notify/retry-after.ts';
import type { IncidentNotices, InviteRefusal } from './notices.ts';
import type { IncidentChannelOpener, IncidentService } from './service.ts';
import type { Incident, IncidentStore } from './store.ts';

/** `inc-20261123-mission-control-api-errors-1a2b3c` (Slack: lowercase, ≤ 80, no specials). */
function incidentChannelName(incident: Incident, now = Date.now()): string {
  const day = new Date(now).toISOString().slice(0, 10).replace(/-/g, '');
  const slug = incident.alert.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 50);
  return `inc-${day}-${slug || 'alert'}-${incident.id.slice(-6)}`;
}

export const permalinkOf = (channel: string, ts: string) =>
  `https://slack.com/archives/${channel}/p${ts.replace('.', '')}`;

/** Calls at most to each Slack method of an opening (a 429 waits its `Retry-After`). */
const ATTEMPTS = 5;
/** The first wait after a failure that is not a 429 (no answer, a 5xx); doubled after each. */
const BACKOFF_MS = 2_000;
/** No retry waits past this, counted from the claim: a channel opened later helps nobody. */
const OPEN_WITHIN_MS = 5 * 60_000;
/**
 * The longest an opener can be working, from its claim (its last Slack call may end past
 * OPEN_WITHIN_MS): a claim older than this has no live opener, and a worker start takes it over.
 */
const CLAIM_STALE_AFTER_MS = OPEN_WITHIN_MS + 60_000;
/** The claim on an incident's channel: the time (ms) its opener took it. */
const CLAIM = 'incident_channel_claim';

/** A Slack call retried as `retrySlackCall` does, on the opening's budget. */
type Patiently = <T>(call: () => Promise<T>) => Promise<T>;

type Deps = {
  config: AlertsConfig;
  groups: FileConfig['groups'];
  store: IncidentStore;
  notices: IncidentNotices;
  service: () => IncidentService;
  log: Logger;
  /** Aborted when the process stops: a retry's wait ends and nothing more is asked of Slack. */
  signal?: AbortSignal;
};

/**
 * For severities configured so, opens a channel of the incident's own: creates it, invites the
 * on-call group, and links it both ways (a post there pointing at the thread, a reply in the thread).
 * Whom Slack would not invite (a guest, an unknown id) is named in a second post there, so nobody
 * takes them to be in the channel; when that post fails, it is logged and the channel opens anyway.
 *
 * It runs beside the outbox, never inside a lane's call (the parent's caller does not wait for it):
 * its Slack calls are retried here (`retrySlackCall`: a 429 waits its `Retry-After`, other failures
 * back off, at most ATTEMPTS each within OPEN_WITHIN_MS), and a wait there would hold back every
 * post to the incidents channel. When no channel can be had, one warning is logged, the thread
 * says so, and the incident is marked (`incident_channel_given_up_at`) so nothing tries again.
 *
 * The claim is a lease: its value is the time it was taken. An opener ends by recording the
 * channel or giving up; one whose process died (kill -9, OOM) leaves a claim nobody ends, which a
 * worker start takes over once it is older than CLAIM_STALE_AFTER_MS (`resume`).
 */
export function incidentChannelOpener(deps: Deps): IncidentChannelOpener {
  const wanted = (incident: Incident): incident is Incident & { ts: string } =>
    deps.config.incident_channel_severities.includes(incident.alert.severity) && !!incident.ts;
  return {
    async open(incident) {
      if (!wanted(incident)) return;
      // Exactly once across instances. Kept when the opening gives up (the given-up mark says
      // so): one whose creation's answer was lost may have made the channel after all.
      const now = Date.now();
      if (!(await deps.store.claim(incident.id, CLAIM, now))) return;
      await openChannel(deps, incident, now);
    },
    async resume(incident) {
      if (!wanted(incident) || incident.incidentChannel || incident.incidentChannelGivenUpAt)
        return;
      const now = Date.now();
      const claim = await deps.store.takeStaleClaim(
        incident.id,
        CLAIM,
        now - CLAIM_STALE_AFTER_MS,
        now,
      );
      if (!claim.taken) return;
      deps.log.info(
        { incident_id: incident.id, claimed_at: claim.was },
        'opening the incident channel whose opener stopped',
      );
      // Named for the day the first opener chose, so a channel it made is found, not doubled.
      await openChannel(deps, incident, claim.was && claim.was > 1 ? claim.was : now);
    },
  };
}

/** The opening, once its claim is held: `claimedAt` names the channel's day. */
async function openChannel(deps: Deps, incident: Incident & { ts: string }, claimedAt: number) {
  const retry = {
    attempts: ATTEMPTS,
    backoffMs: BACKOFF_MS,
    until: Date.now() + OPEN_WITHIN_MS,
    signal: deps.signal,
  };
  const patiently: Patiently = (call) => retrySlackCall(call, retry);
  // Before the channel exists, so a failure here leaves no channel nobody knows of.
  const members = await oncallOrNobody(deps, incident, patiently);
  let channel: string;
  try {
    channel = await createOrFind(incidentChannelName(incident, claimedAt), deps.notices, patiently);
  } catch (error) {
    if (!deps.signal?.aborted) await noChannel(deps, incident, error);
    return;
  }
  const refused = members.length ? await invite(deps, incident, channel, members, patiently) : [];
  await deps.store.set(incident.id, { incident_channel: channel });
  const service = deps.service();
  const thread = permalinkOf(incident.channel, incident.ts);
  const opened = deps.notices
    .post(channel, { kind: 'channel-opened', title: incident.alert.title, thread })
    .catch(() => {});
  // After the first post, so the channel reads in order; not awaited, as that one is not.
  if (refused.length)
    opened
      .then(() => deps.notices.post(channel, { kind: 'not-invited', refused }))
      .catch((error) =>
        deps.log.warn(
          {
            incident_id: incident.id,
            channel,
            count: refused.length,
            err: (error as Error).message,
          },
          'could not tell the incident channel whom Slack did not invite',
        ),
      );
  service.reply(incident, { kind: 'discuss-in', channel });
  service.editParent(incident.id);
}

/** The on-call group's members; when they cannot be read, nobody (the channel opens anyway). */
async function oncallOrNobody(deps: Deps, incident: Incident, patiently: Patiently) {
  try {
    return await patiently(() => oncallMembers(deps));
  } catch (error) {
    if (!deps.signal?.aborted)
      deps.log.warn(
        { incident_id: incident.id, err: (error as Error).message },
        'could not read the on-call group; the incident channel opens without inviting anyone',
      );
    return [];
  }
}

/**
 * The opening gave up: marked on the incident (nothing tries again), one warning naming the
 * incident and the last failure, and the thread told.
 */
async function noChannel(deps: Deps, incident: Incident, error: unknown) {
  const spent = error instanceof RetriesSpent;
  deps.log.warn(
    {
      incident_id: incident.id,
      ...(spent ? { attempts: error.attempts } : {}),
      err: (error as Error).message,
    },
    'could not open the incident channel',
  );
  const refusal = spent ? undefined : refusalOf(error);
  deps.service().reply(incident, { kind: 'no-channel', ...(refusal ? { refusal } : {}) });
  await deps.store.set(incident.id, { incident_channel_given_up_at: Date.now() });
}

/**
 * Creates the channel, or finds the one an earlier call made: `name_taken` may answer our own
 * creation, made by a call whose answer was lost (no answer in time, a 5xx, Slack's internal_error
 * "may have taken effect"; the WebClient retries those itself, and so do we). Our channel has the
 * bot in it (its creator), so users.conversations, which lists the bot's channels only, finds it
 * by its name (the day, the title and the incident id's tail): it is used, never a second one. A
 * channel of that name without the bot (a person's, or archived) is not ours: then once more with
 * `-2`. A suffix alone would make a second channel whenever an answer was lost; conversations.list
 * would page through every channel of the workspace on a Tier 2 budget.
 */
async function createOrFind(
  name: string,
  notices: IncidentNotices,
  patiently: Patiently,
): Promise<string> {
  let taken: unknown;
  for (const candidate of [name, `${name}-2`]) {
    try {
      return await patiently(() => notices.createChannel(candidate));
    } catch (error) {
      if (refusalOf(error) !== 'name_taken') throw error;
      taken = error;
    }
    const ours = await patiently(() => notices.ownChannel(candidate));
    if (ours) return ours;
  }
  throw taken;
}

/**
 * Invites the on-call group; resolves to whom Slack refused. When the invitation itself keeps
 * failing, the channel opens anyway (it exists: it must be linked) and everyone is named as not
 * invited, so nobody takes them to be there.
 */
async function invite(
  deps: Deps,
  incident: Incident,
  channel: string,
  members: string[],
  patiently: Patiently,
): Promise<InviteRefusal[]> {
  try {
    return await patiently(() => deps.notices.invite(channel, members));
  } catch (error) {
    deps.log.warn(
      { incident_id: incident.id, channel, err: (error as Error).message },
      'could not invite the on-call group into the incident channel',
    );
    const code = error instanceof RetriesSpent ? undefined : refusalOf(error);
    return members.map((user) => ({ user, error: code ?? 'invite_failed' }));
  }
}

async function oncallMembers(deps: {
  config: AlertsConfig;
  groups: FileConfig['groups'];
  notices: IncidentNotices;
}) {
  const group = deps.config.oncall_group ? deps.groups[deps.config.oncall_group] : undefined;
  if (!group) return [];
  return 'usergroup' in group ? deps.notices.usergroupMembers(group.usergroup) : group.users;
}
