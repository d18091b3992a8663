import type { CardView, StepView } from '../../guided/view.ts';
import { ACTION, BLOCK, VIEW } from '../ids.ts';
import type { ModalView } from './form-modal.ts';
import { clip, escapeText, user } from './format.ts';
import { type Block, type ButtonElement, type MessageContent, mrkdwn, plain } from './types.ts';

/** The runbook card: one section per step with its state, buttons under the current one. */

const MARK: Record<StepView['state'], string> = {
  pending: '⬜',
  current: '▶️',
  done: '✅',
  skipped: '⏭️',
  failed: '❌',
};
const KIND: Record<StepView['kind'], string> = { manual: '', command: '`/ops` ', check: 'check ' };
const ACTION_ID = {
  done: ACTION.runbookDone,
  skip: ACTION.runbookSkip,
  retry: ACTION.runbookRetry,
  abort: ACTION.runbookAbort,
} as const;

const date = (ms: number) =>
  `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;

function stepLine(step: StepView): string {
  const text =
    step.kind === 'manual'
      ? escapeText(step.text)
      : `${KIND[step.kind]}\`${escapeText(step.text)}\``;
  const lines = [`${MARK[step.state]} *${step.number}.* ${text}`];
  const notes: string[] = [];
  if (step.secondPerson) notes.push('needs a second person');
  if (step.state === 'done' && step.by)
    notes.push(
      `done by ${step.by === 'system' ? 'opsbot' : user(step.by)}${step.at ? ` ${date(step.at)}` : ''}`,
    );
  if (step.state === 'skipped')
    notes.push(`skipped by ${user(step.by ?? '')}: ${escapeText(step.reason ?? '')}`);
  if (step.state === 'failed')
    notes.push(
      `failed${step.by && step.by !== 'system' ? ` (${user(step.by)})` : ''}: ${escapeText(step.reason ?? '')}`,
    );
  if (step.verdict && step.state !== 'failed')
    notes.push(
      `${step.verdict.status === 'ok' ? '✓' : step.verdict.status === 'warn' ? '⚠' : '✗'} ${escapeText(step.verdict.reason)}`,
    );
  if (step.requestId)
    notes.push(
      `request \`${step.requestId}\`${step.state === 'current' ? ' in progress (see the thread)' : ''}`,
    );
  if (step.state === 'current' && step.dueAt) notes.push(`reminder ${date(step.dueAt)}`);
  if (step.attempt > 1) notes.push(`try ${step.attempt}`);
  if (notes.length > 0) lines.push(`      _${notes.join(' · ')}_`);
  return clip(lines.join('\n'), 3000);
}

function buttons(step: StepView): Block[] {
  if (step.buttons.length === 0) return [];
  const elements: ButtonElement[] = step.buttons.map((b) => ({
    type: 'button',
    action_id: ACTION_ID[b.action],
    text: plain(b.label),
    value: b.value,
    ...(b.style ? { style: b.style } : {}),
  }));
  return [{ type: 'actions', block_id: `runbook.step.${step.number}`, elements }];
}

const STATUS: Record<CardView['status'], string> = {
  running: 'in progress',
  finished: '✅ finished',
  aborted: '🛑 aborted',
  abandoned: '🕸️ abandoned',
};

export function runbookCard(view: CardView): MessageContent {
  const done = view.steps.filter((s) => s.state === 'done' || s.state === 'skipped').length;
  const params = Object.entries(view.params)
    .map(([k, v]) => `${k}=${escapeText(v)}`)
    .join(' · ');
  const blocks: Block[] = [
    {
      type: 'section',
      text: mrkdwn(
        clip(
          `:clipboard: *${escapeText(view.title)}* — runbook \`${view.name}\`, ${STATUS[view.status]} (${done}/${view.steps.length})`,
          3000,
        ),
      ),
    },
    {
      type: 'context',
      elements: [
        mrkdwn(
          clip(
            `started by ${user(view.starter)} ${date(view.startedAt)} · source: ${escapeText(view.source)}${params ? ` · ${params}` : ''}${view.abortedBy ? ` · aborted by ${user(view.abortedBy)}` : ''}${view.reason ? ` · ${escapeText(view.reason)}` : ''}`,
            3000,
          ),
        ),
      ],
    },
  ];
  for (const step of view.steps) {
    blocks.push({
      type: 'section',
      block_id: `runbook.line.${step.number}`,
      text: mrkdwn(stepLine(step)),
    });
    blocks.push(...buttons(step));
  }
  const current = view.steps.find((s) => s.state === 'current' || s.state === 'failed');
  const text = `Runbook ${escapeText(view.title)}: ${STATUS[view.status]}${view.status === 'running' && current ? `, step ${current.number} ${current.state}` : ''} (${done}/${view.steps.length})`;
  return { text, blocks: blocks.slice(0, 50) };
}

/** The Skip… modal: the reason is required. */
export function skipReasonModal(value: string, step: number, channel: string): ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.runbookSkip,
    title: plain('Skip a step'),
    submit: plain('Skip'),
    close: plain('Back'),
    private_metadata: JSON.stringify({ value, channel }),
    blocks: [
      {
        type: 'section',
        text: mrkdwn(
          `Skip step ${step}? The reason is shown on the card and kept in the audit trail.`,
        ),
      },
      {
        type: 'input',
        block_id: BLOCK.skipReason,
        label: plain('Reason'),
        element: {
          type: 'plain_text_input',
          action_id: BLOCK.skipReasonValue,
          multiline: true,
          max_length: 500,
        },
        optional: false,
      },
    ],
  };
}
