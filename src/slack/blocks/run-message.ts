import type { RunView, StepView } from '../../run/run-view.ts';
import { clip, duration, escapeText, progressBar, user } from './format.ts';
import { type Block, type MessageContent, mrkdwn, plain } from './types.ts';

const STEP_ICON: Record<StepView['status'], string> = {
  pending: '○',
  running: '◐',
  done: '✓',
  skipped: '✓',
  failed: '✗',
};

const RUN_HEADLINE: Record<RunView['status'], string> = {
  queued: '⏳ Queued',
  running: '▶️ Running',
  waiting: '⏸ Waiting',
  retrying: '🔁 Retrying',
  done: '✅ Done',
  failed: '❌ Failed',
};

function stepLine(step: StepView, now: number): string {
  const icon = STEP_ICON[step.status];
  let timing = '';
  if (step.ms !== undefined) timing = ` · ${duration(step.ms)}`;
  else if (step.status === 'running' && step.startedAt)
    timing = ` · ${duration(now - step.startedAt)}…`;
  const label = step.status === 'skipped' ? ' (already done)' : '';
  const note = step.note ? ` — ${escapeText(step.note)}` : '';
  return `${icon} ${escapeText(step.title)}${label}${timing}${note}`;
}

/** The one progress message of a run: updated in place as steps advance. */
export function runMessage(view: RunView, now = Date.now()): MessageContent {
  const finished = view.steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;
  const headline = `${RUN_HEADLINE[view.status]}: ${view.command}`;
  const blocks: Block[] = [
    {
      type: 'header',
      text: plain(clip(`${headline}${view.emergency ? ' 🚨 EMERGENCY' : ''}`, 150)),
    },
    {
      type: 'section',
      text: mrkdwn(clip(`\`/ops ${escapeText(view.command)} ${escapeText(view.argsText)}\``, 3000)),
      fields: [
        mrkdwn(`*Requested by*\n${user(view.requester)}`),
        mrkdwn(`*Environment*\n${escapeText(view.environment)}`),
      ],
    },
  ];
  if (view.plan)
    blocks.push({ type: 'section', text: mrkdwn(clip(`*Plan*  ${escapeText(view.plan)}`, 3000)) });
  const lines = view.steps.map((s) => stepLine(s, now)).join('\n');
  blocks.push({
    type: 'section',
    text: mrkdwn(clip(`${progressBar(finished, view.steps.length)}\n${lines}`, 3000)),
  });
  if (view.note)
    blocks.push({ type: 'context', elements: [mrkdwn(clip(escapeText(view.note), 2000))] });
  if (view.error) {
    const where = view.error.step ? ` at step *${escapeText(view.error.step)}*` : '';
    blocks.push({
      type: 'section',
      text: mrkdwn(
        clip(`Failed${where}: \`${view.error.code}\` ${escapeText(view.error.message)}`, 3000),
      ),
    });
  }
  const total = view.finishedAt ? ` · took ${duration(view.finishedAt - view.startedAt)}` : '';
  const attempt = view.attempt > 1 ? ` · attempt ${view.attempt}` : '';
  blocks.push({
    type: 'context',
    elements: [mrkdwn(`${view.runId} · request ${view.requestId}${attempt}${total}`)],
  });
  return { text: `${headline} (${finished}/${view.steps.length} steps)`, blocks };
}

/**
 * The reply posted in the run's thread when it ends. Its `text` (the notification and fallback) is
 * read as mrkdwn like the section, so it is escaped too: a plan or an AWS error message holding
 * `<!channel>` or `<@U…>` must not ping anyone.
 */
export function runResult(view: RunView): MessageContent {
  const took = view.finishedAt ? duration(view.finishedAt - view.startedAt) : '';
  if (view.status === 'done')
    return section(`✅ ${view.command} done in ${took}${view.plan ? `: ${view.plan}` : ''}`);
  const error = view.error ?? { code: 'unknown', message: 'the run failed' };
  const where = error.step ? ` at step ${error.step}` : '';
  return section(`❌ ${view.command} failed${where}: ${error.code} — ${error.message}`);
}

function section(raw: string): MessageContent {
  const text = clip(escapeText(raw), 3000);
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}
