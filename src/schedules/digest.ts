import type { OutputBlock, OutputMessage } from '../sdk/command.ts';
import { timeSpan, utc } from '../util/time-text.ts';
import type { CheckResult } from './checks.ts';
import { type Change, type Changes, nothingChanged } from './diff.ts';
import { MARK, type Status } from './store.ts';

export interface DigestInput {
  title: string;
  results: CheckResult[];
  /** Undefined on the first run of the checklist. */
  changes: Changes | undefined;
  previousAt: number | undefined;
  /** Set when this run is a catch-up after downtime. */
  late?: { occurrence: number; lateMs: number };
}

/** `Drop daily checks: 5 ✓ · 1 ⚠ · 0 ✗` */
export function headline(title: string, results: Pick<CheckResult, 'status'>[]): string {
  const count = (s: Status) => results.filter((r) => r.status === s).length;
  return `${title}: ${count('ok')} ✓ · ${count('warn')} ⚠ · ${count('fail')} ✗`;
}

/** The worst verdict: ✗ if any, else ⚠ if any, else ✓. */
export function worst(results: Pick<CheckResult, 'status'>[]): Status {
  if (results.some((r) => r.status === 'fail')) return 'fail';
  if (results.some((r) => r.status === 'warn')) return 'warn';
  return 'ok';
}

function changeLine(kind: string, c: Change): string {
  const values = c.values.map((v) => `${v.name} ${v.from} → ${v.to}`).join(', ');
  const from = c.from ? `${MARK[c.from]} → ${MARK[c.to]}` : `new check, ${MARK[c.to]}`;
  return `${kind} ${c.check} (${from}): ${c.reason}${values ? ` [${values}]` : ''}`;
}

function changeBlock(input: DigestInput): OutputBlock {
  const { changes, previousAt } = input;
  if (!changes || previousAt === undefined)
    return { type: 'context', text: 'First run of this checklist: nothing to compare with yet.' };
  const since = `Changed since the last run (${utc(previousAt)})`;
  if (nothingChanged(changes)) return { type: 'context', text: `${since}: nothing.` };
  const lines = [
    ...changes.newFailures.map((c) => changeLine('✗ new', c)),
    ...changes.cleared.map((c) => changeLine('✓ cleared', c)),
    ...changes.crossed.map((c) => changeLine('⚠ crossed', c)),
  ];
  return { type: 'text', text: `*${since}:*\n${lines.map((l) => `• ${l}`).join('\n')}` };
}

/** The one digest card of a checklist run: headline, a line per check, what changed. */
export function digestMessage(input: DigestInput): OutputMessage {
  const text = headline(input.title, input.results);
  const blocks: OutputBlock[] = [{ type: 'text', text: `*${text}*` }];
  if (input.late)
    blocks.push({
      type: 'context',
      text: `⏰ Late by ${timeSpan(input.late.lateMs)}: the run for ${utc(input.late.occurrence)}, caught up at start-up (no worker was running then).`,
    });
  blocks.push({
    type: 'rows',
    rows: input.results.map((r) => ({
      text: `${MARK[r.status]} ${r.check} — ${r.reason}`,
      ...(r.link ? { link: { url: r.link, label: 'details' } } : {}),
    })),
  });
  blocks.push(changeBlock(input));
  return { text, blocks };
}
