import {
  type LiveTailEvent,
  type LogEvent,
  type LogGroupRef,
  type LogsPort,
  type StepContext,
  sleep,
  TransientError,
} from '../../src/sdk/index.ts';
import { eventLine, redactedMessage } from './digest.ts';
import { alreadyFollowing, type FollowView, followBatch, followHeader } from './render.ts';
import { SeenEvents } from './seen.ts';

/** How a follow paces itself. Tests and the bench may shorten these. */
export const followTiming = {
  /** At most one post per this many ms. */
  batchMs: 2_000,
  /** How often the loop checks for a stop request, the deadline and a due batch. */
  tickMs: 250,
  /** Poll interval when live tail is not used. */
  pollMs: 2_000,
  /** Events this close to the newest posted one are remembered by key (late arrivals, resume). */
  windowMs: 10_000,
};

/** The most characters of event lines one batch message carries. */
const BATCH_CHARS = 9_000;

/** A follow's checkpoint, saved after every post (in the run's state, `follow`). */
interface FollowState {
  messageId: string;
  requester: string;
  /** `live tail`, or `polling every 2 s` (see `why`). */
  mode: string;
  /** Why the follow polls instead of using live tail. */
  why?: string;
  endsAt: number;
  startedAt: number;
  lastTs: number;
  keys: [string, number][];
  posted: number;
  /** `its time was up`, or `stopped` (by `stoppedBy`). */
  ended?: string;
  stoppedBy?: string;
}

type Ctx = Pick<
  StepContext<unknown>,
  'output' | 'state' | 'signal' | 'request' | 'runId' | 'progress' | 'record'
>;

interface FollowInput {
  target: LogGroupRef & { name: string };
  filter?: string;
  durationMs: number;
  liveTail: boolean;
}

/**
 * Streams new events into the run's thread until the duration ends or someone presses Stop. One
 * follow per (channel, log group). Resumes from its checkpoint when the run is retried after a
 * worker restart. Closes the live-tail session however it ends.
 */
export async function followLogs(ctx: Ctx, logs: LogsPort, input: FollowInput) {
  const claim = await ctx.state.hold(`logs-follow:${ctx.request.channel}:${input.target.logGroup}`);
  if ('heldBy' in claim) {
    const other = await ctx.state.loadOf<FollowState>(claim.heldBy, 'follow');
    await ctx.output.post(
      alreadyFollowing(input.target.logGroup, { runId: claim.heldBy, ...other }),
    );
    return { alreadyFollowing: claim.heldBy };
  }
  try {
    let state = await ctx.state.load<FollowState>('follow');
    const resumed = state !== undefined;
    if (!state) state = await start(ctx, logs, input);
    if (state.ended) return ending(state);
    return await loop(ctx, logs, input, state, resumed);
  } finally {
    if (!ctx.signal.aborted) await claim.release();
  }
}

const pollingMode = () => `polling every ${followTiming.pollMs / 1000} s`;

/** Why a follow polls from the start; undefined when it uses live tail. */
function whyPolling(logs: LogsPort, input: FollowInput): string | undefined {
  if (!input.liveTail) return 'live tail is off (logs_settings.live_tail: false)';
  if (!logs.startLiveTail) return 'live tail is not available for this log source';
  return undefined;
}

async function start(ctx: Ctx, logs: LogsPort, input: FollowInput): Promise<FollowState> {
  const now = Date.now();
  const why = whyPolling(logs, input);
  if (why) ctx.record('logs.follow_polling', { log_group: input.target.logGroup, why });
  const state: FollowState = {
    messageId: '',
    requester: ctx.request.requester,
    mode: why ? pollingMode() : 'live tail',
    ...(why ? { why } : {}),
    endsAt: now + input.durationMs,
    startedAt: now,
    lastTs: now,
    keys: [],
    posted: 0,
  };
  state.messageId = (await ctx.output.post(followHeader(view(ctx, input, state)))).id;
  await ctx.state.save('follow', state);
  return state;
}

function view(ctx: Ctx, input: FollowInput, state: FollowState): FollowView {
  return {
    logGroup: input.target.logGroup,
    filter: input.filter,
    mode: state.mode,
    why: state.why,
    requester: state.requester,
    endsAt: state.endsAt,
    posted: state.posted,
    runId: ctx.runId,
    ended: state.ended,
    stoppedBy: state.stoppedBy,
  };
}

/** The run's result once the follow has ended. */
function ending(state: FollowState) {
  return {
    posted: state.posted,
    ended: state.ended,
    ...(state.stoppedBy ? { stoppedBy: state.stoppedBy } : {}),
  };
}

/** Events gathered between posts. */
class Pending {
  events: LogEvent[] = [];
  sampled = false;
  error: unknown;
}

async function loop(
  ctx: Ctx,
  logs: LogsPort,
  input: FollowInput,
  state: FollowState,
  resumed: boolean,
) {
  const seen = new SeenEvents(state.lastTs, state.keys, followTiming.windowMs);
  const pending = new Pending();
  const session = new AbortController();
  const stopSession = () => session.abort();
  ctx.signal.addEventListener('abort', stopSession);
  const source = feed(logs, input, state, seen, pending, session.signal, resumed, (why) =>
    switchToPolling(ctx, input, state, why),
  );
  let lastPostAt = 0;
  try {
    for (;;) {
      if (ctx.signal.aborted) {
        // Events not posted yet are after the checkpoint: the resumed run finds them again.
        throw new TransientError(
          'worker_stopping',
          'the worker stopped; the follow resumes on another worker',
        );
      }
      const stoppedBy = await ctx.state.stopRequestedBy();
      const reason = stoppedBy
        ? 'stopped'
        : Date.now() >= state.endsAt
          ? 'its time was up'
          : undefined;
      if (reason) {
        await post(ctx, state, seen, pending);
        state.ended = reason;
        if (stoppedBy) state.stoppedBy = stoppedBy;
        await ctx.state.save('follow', state);
        await ctx.output.update(state.messageId, followHeader(view(ctx, input, state)));
        return ending(state);
      }
      if (pending.error) throw pending.error;
      if (pending.events.length > 0 && Date.now() - lastPostAt >= followTiming.batchMs) {
        lastPostAt = Date.now();
        await post(ctx, state, seen, pending);
      }
      await sleep(followTiming.tickMs, ctx.signal);
    }
  } finally {
    ctx.signal.removeEventListener('abort', stopSession);
    session.abort();
    await Promise.race([source, sleep(1_000, new AbortController().signal)]);
  }
}

/** Live tail failed: the header says so (it never claims live tail while polling), and the log. */
async function switchToPolling(ctx: Ctx, input: FollowInput, state: FollowState, why: string) {
  state.mode = pollingMode();
  state.why = why;
  ctx.progress(`${why}; ${state.mode}`);
  ctx.record('logs.follow_polling', { log_group: input.target.logGroup, why });
  await ctx.state.save('follow', state);
  await ctx.output.update(state.messageId, followHeader(view(ctx, input, state)));
}

/** Posts the pending events that are new, then saves the checkpoint. */
async function post(ctx: Ctx, state: FollowState, seen: SeenEvents, pending: Pending) {
  const fresh = pending.events
    .filter((e) => seen.isNew(e))
    .sort((a, b) => a.timestamp - b.timestamp);
  const sampled = pending.sampled;
  pending.events = [];
  pending.sampled = false;
  const unique = dedupe(fresh);
  if (unique.length === 0) return;
  const lines: string[] = [];
  let chars = 0;
  for (const event of unique) {
    const line = eventLine(event, redactedMessage(event), false);
    if (chars + line.length + 1 > BATCH_CHARS) break;
    lines.push(line);
    chars += line.length + 1;
  }
  await ctx.output.post(followBatch(lines, unique.length - lines.length, sampled));
  seen.mark(unique);
  state.lastTs = seen.lastTs;
  state.keys = seen.entries();
  state.posted += unique.length;
  await ctx.state.save('follow', state);
}

function dedupe(events: LogEvent[]): LogEvent[] {
  const keys = new SeenEvents(0, [], Number.POSITIVE_INFINITY);
  return events.filter((e) => {
    if (!keys.isNew(e)) return false;
    keys.mark([e]);
    return true;
  });
}

/** Fills `pending` from live tail (falling back to polling), catching up first after a restart. */
async function feed(
  logs: LogsPort,
  input: FollowInput,
  state: FollowState,
  seen: SeenEvents,
  pending: Pending,
  signal: AbortSignal,
  resumed: boolean,
  fallBack: (why: string) => Promise<void>,
) {
  try {
    if (resumed) await catchUp(logs, input, seen.floor, Date.now(), pending);
    if (state.mode === 'live tail' && logs.startLiveTail) {
      try {
        await tail(
          logs.startLiveTail({ ...ref(input), filter: input.filter, signal }),
          pending,
          signal,
        );
        return;
      } catch (error) {
        if (signal.aborted) return;
        await fallBack(`live tail failed (${(error as Error).message})`);
      }
    }
    await poll(logs, input, seen, pending, signal);
  } catch (error) {
    if (!signal.aborted) pending.error = error;
  }
}

const ref = (input: FollowInput): LogGroupRef => ({
  logGroup: input.target.logGroup,
  region: input.target.region,
});

async function catchUp(
  logs: LogsPort,
  input: FollowInput,
  from: number,
  to: number,
  pending: Pending,
) {
  const events = logs.search({
    ...ref(input),
    start: from,
    end: to,
    filter: input.filter,
    limit: 10_000,
  });
  for await (const event of events) pending.events.push(event);
}

async function tail(stream: AsyncIterable<LiveTailEvent>, pending: Pending, signal: AbortSignal) {
  for await (const item of stream) {
    if (signal.aborted) return;
    if (item.type !== 'sessionUpdate') continue;
    pending.events.push(...item.events);
    if (item.sampled) pending.sampled = true;
  }
}

async function poll(
  logs: LogsPort,
  input: FollowInput,
  seen: SeenEvents,
  pending: Pending,
  signal: AbortSignal,
) {
  let from = seen.floor;
  while (!signal.aborted) {
    const to = Date.now();
    await catchUp(logs, input, Math.max(from, seen.floor), to, pending);
    from = to - followTiming.windowMs / 2;
    await sleep(followTiming.pollMs, signal);
  }
}
