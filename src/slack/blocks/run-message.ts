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

/** The reply posted in the run's thread when it ends. */
export function runResult(view: RunView): MessageContent {
  const took = view.finishedAt ? duration(view.finishedAt - view.startedAt) : '';
  if (view.status === 'done') {
    const text = `✅ ${view.command} done in ${took}${view.plan ? `: ${view.plan}` : ''}`;
    return { text, blocks: [{ type: 'section', text: mrkdwn(clip(escapeText(text), 3000)) }] };
  }
  const error = view.error ?? { code: 'unknown', message: 'the run failed' };
  const where = error.step ? ` at step ${error.step}` : '';
  const text = `❌ ${view.command} failed${where}: ${error.code} — ${error.message}`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(clip(escapeText(text), 3000)) }] };
}
