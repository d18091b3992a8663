import {
  date,
  type HandoffView,
  type InlineElement,
  link,
  mention,
  type OutputBlock,
  type OutputMessage,
  type ScheduleRow,
  type Status,
  timeSpan,
  utc,
} from '../../src/sdk/index.ts';

const MARK: Record<Status, string> = { ok: '✓', warn: '⚠', fail: '✗' };

/** `✓ Drop daily checks: 5 ✓ · 1 ⚠ · 0 ✗ (2026-06-01 06:00 UTC)`, or what is known of a run in flight. */
function lastText(row: ScheduleRow): string {
  const last = row.last;
  if (!last) return 'never run';
  const late = last.lateMs ? `, ${timeSpan(last.lateMs)} late` : '';
  if (!last.status) return `running since ${utc(last.occurrence)}${late}`;
  return `${MARK[last.status]} ${last.summary ?? ''} (${utc(last.occurrence)}${late})`.trim();
}

function stateText(row: ScheduleRow): string {
  if (!row.enabled) return 'disabled';
  if (row.paused) return 'paused';
  return row.next ? `next ${utc(row.next)}` : 'not scheduled';
}

/** `/ops schedule list`: a line per schedule with its next and last run. */
export function scheduleListMessage(rows: ScheduleRow[]): OutputMessage {
  if (rows.length === 0)
    return { text: 'No schedules configured (schedules: in the config file).' };
  const text = `${rows.length} schedule${rows.length === 1 ? '' : 's'}`;
  return {
    text,
    blocks: [
      { type: 'text', text: `*${text}*` },
      {
        type: 'rows',
        rows: rows.map((row) => ({
          text: `${row.name} · ${row.cron} ${row.timezone} · ${row.command} · ${stateText(row)} · last: ${lastText(row)}`,
          ...(row.last?.link ? { link: { url: row.last.link, label: 'last run' } } : {}),
        })),
      },
    ],
  };
}

/** One line of a handoff section: text with mentions, dates and links in Slack. */
type Line = (string | InlineElement)[];

function section(title: string, lines: Line[], empty: string): OutputBlock {
  const body: Line =
    lines.length > 0
      ? lines.flatMap((line, i) => [i === 0 ? '• ' : '\n• ', ...line])
      : [`_${empty}_`];
  return { type: 'text', text: [`*${title}*\n`, ...body] };
}

/** `/ops handoff`: one card for the person taking over. */
export function handoffMessage(view: HandoffView): OutputMessage {
  const window = timeSpan(view.now - view.since);
  const text = `Handoff: ${view.incidents.length} open incident${view.incidents.length === 1 ? '' : 's'}, ${view.breakGlass.length} unacknowledged break-glass, ${view.failedRuns.length} failed run${view.failedRuns.length === 1 ? '' : 's'} and ${view.awaitingApproval.length} awaiting approval (last ${window})`;
  const blocks: OutputBlock[] = [
    { type: 'text', text: `*${text}*` },
    section(
      'Open incidents',
      view.incidents.map((i) => [
        `[${i.severity}] ${i.title} — open ${timeSpan(i.ageMs)}, `,
        ...(i.acknowledgedBy
          ? ['acknowledged by ', mention(i.acknowledgedBy)]
          : ['not acknowledged']),
        ...(i.link ? [' (', link(i.link, 'thread'), ')'] : []),
      ]),
      'none',
    ),
    section(
      'Break-glass runs not yet acknowledged',
      view.breakGlass.map((b) => [
        `${b.command} by `,
        mention(b.requester),
        ' at ',
        date(b.at),
        ` — "${b.reason}" (${b.requestId})`,
      ]),
      'none',
    ),
    section(
      `Runs that failed (last ${window})`,
      view.failedRuns.map((f) => [
        `${f.command} by `,
        mention(f.requester),
        ' at ',
        date(f.at),
        ` — ${f.reason} (${f.requestId})`,
      ]),
      'none',
    ),
    section(
      'Requests waiting for approval',
      view.awaitingApproval.map((a) => [
        `${a.command} by `,
        mention(a.requester),
        ' since ',
        date(a.at),
        ` (${a.requestId})`,
      ]),
      'none',
    ),
    section(
      'Schedules: last result',
      view.schedules.map((s) => [`${s.name}: ${lastText(s)}${s.paused ? ' · paused' : ''}`]),
      'no schedules configured',
    ),
    section(
      `Notes (last ${window})`,
      view.notes?.map((n) => [date(n.at), ` ${n.actor}: ${n.text}`]) ?? [],
      view.notes ? 'none' : 'notes need the audit ledger (audit.table)',
    ),
  ];
  return { text, blocks };
}
