import { mention, type OutputMessage, type RichText, timeSpan } from '../../src/sdk/index.ts';
import type { SearchDigest } from './digest.ts';
import { clock } from './time.ts';

/** The Stop button's action id (`ACTION.stopFollow` in src/slack/ids.ts). */
export const STOP_FOLLOW_ACTION = 'logs.stop_follow';

/** What was searched, in words: `/aws/lambda/api, 09:00 → 09:15 UTC, filter "ERROR"`. */
export interface SearchScope {
  logGroup: string;
  start: number;
  end: number;
  filter?: string;
}

export function scopeText(scope: SearchScope): string {
  const filter = scope.filter ? `, filter \`${scope.filter}\`` : ', no filter';
  return `${scope.logGroup}, ${clock(scope.start)} → ${clock(scope.end)} UTC (${timeSpan(scope.end - scope.start)})${filter}`;
}

export function noEvents(scope: SearchScope): OutputMessage {
  const text = `No log events found in ${scopeText(scope)}.`;
  return { text, blocks: [{ type: 'text', text }] };
}

/** A short result: every line, as code blocks (split under Block Kit's limits by the renderer). */
export function inlineResult(
  digest: SearchDigest,
  scope: SearchScope,
  limited: boolean,
): OutputMessage {
  const head = `${countText(digest.count, limited)} in ${scopeText(scope)}`;
  return {
    text: head,
    blocks: [
      { type: 'context', text: head },
      { type: 'code', text: digest.inlineText() },
    ],
  };
}

/** A long result's message: count, time span, the five most frequent messages; the lines are in the file. */
export function summaryResult(
  digest: SearchDigest,
  scope: SearchScope,
  limited: boolean,
  fileName: string,
): OutputMessage {
  const head = `${countText(digest.count, limited)} in ${scopeText(scope)}; all lines are in ${fileName}`;
  const top = digest
    .top()
    .map((t) => `${`${t.approximate ? '≈' : ''}${t.count}×`.padStart(8)}  ${t.example}`)
    .join('\n');
  return {
    text: head,
    blocks: [
      { type: 'text', text: head },
      {
        type: 'fields',
        fields: [
          ['Events', `${digest.count}${limited ? ' (limit reached)' : ''}`],
          [
            'Time span',
            `${clock(digest.first)} → ${clock(digest.last)} UTC (${timeSpan(digest.last - digest.first)})`,
          ],
        ],
      },
      { type: 'context', text: 'Top 5 messages (numbers and ids folded)' },
      { type: 'code', text: top },
    ],
  };
}

function countText(count: number, limited: boolean): string {
  return `${count} event${count === 1 ? '' : 's'}${limited ? ' (limit reached; raise limit= for more)' : ''}`;
}

export interface FollowView {
  logGroup: string;
  filter?: string;
  mode: string;
  /** Why the follow polls instead of using live tail. */
  why?: string;
  requester: string;
  endsAt: number;
  posted: number;
  runId: string;
  /** How the follow ended: `its time was up`, or `stopped` (by `stoppedBy`). */
  ended?: string;
  stoppedBy?: string;
}

/** The follow's header message: what is followed, until when, and a Stop button while it runs. */
export function followHeader(view: FollowView): OutputMessage {
  const filter = view.filter ? ` matching \`${view.filter}\`` : '';
  const ending = view.stoppedBy ? ['stopped by ', mention(view.stoppedBy)] : [view.ended ?? ''];
  const text: RichText = view.ended
    ? [`Follow of ${view.logGroup}${filter} ended: `, ...ending, `. ${view.posted} events posted.`]
    : `Following ${view.logGroup}${filter} (${view.mode}) until ${clock(view.endsAt)} UTC. New events appear in this thread.`;
  return {
    text,
    blocks: [
      { type: 'text', text },
      ...(view.ended
        ? []
        : [
            {
              type: 'buttons' as const,
              buttons: [
                {
                  label: 'Stop',
                  action: STOP_FOLLOW_ACTION,
                  value: view.runId,
                  style: 'danger' as const,
                },
              ],
            },
          ]),
      {
        type: 'context',
        text: [
          `${view.runId} · asked by `,
          mention(view.requester),
          view.why ? ` · ${view.why}` : '',
        ],
      },
    ],
  };
}

/** One batch of followed events (already redacted lines). */
export function followBatch(lines: string[], hidden: number, sampled: boolean): OutputMessage {
  const notes = [
    `${lines.length + hidden} new event${lines.length + hidden === 1 ? '' : 's'}`,
    ...(sampled ? ['sampled: CloudWatch sent a sample of the matching events (over 500/s)'] : []),
    ...(hidden > 0 ? [`${hidden} more not shown; search this span for all of them`] : []),
  ];
  return {
    text: notes.join(' · '),
    blocks: [
      { type: 'context', text: notes.join(' · ') },
      { type: 'code', text: lines.join('\n') },
    ],
  };
}

export function alreadyFollowing(
  logGroup: string,
  other: { runId: string; requester?: string; endsAt?: number },
): OutputMessage {
  const who = other.requester ? [' (asked by ', mention(other.requester), ' '] : [' ('];
  const until = other.endsAt ? `until ${clock(other.endsAt)} UTC)` : 'running)';
  const text = [
    `${logGroup} is already followed in this channel by ${other.runId}`,
    ...who,
    `${until}; see its thread, or press its Stop button to end it.`,
  ];
  return { text, blocks: [{ type: 'text', text }] };
}
