import type { FileConfig } from '../../config/file.ts';
import type { FieldProblem } from '../../intake/validate.ts';
import type { AnyCommand } from '../../sdk/command.ts';
import { BLOCK, VIEW } from '../ids.ts';
import { clip } from './format.ts';
import { type ArgDoc, argDocs } from './help.ts';
import { plain, type TextObject } from './types.ts';

interface Option {
  text: TextObject;
  value: string;
}

type InputElement =
  | {
      type: 'plain_text_input';
      action_id: string;
      initial_value?: string;
      multiline?: boolean;
      max_length?: number;
    }
  | { type: 'static_select'; action_id: string; options: Option[]; initial_option?: Option };

export interface InputBlock {
  type: 'input';
  block_id: string;
  label: TextObject;
  element: InputElement;
  hint?: TextObject;
  optional?: boolean;
}

export interface ModalView {
  type: 'modal';
  callback_id: string;
  title: TextObject;
  submit: TextObject;
  close: TextObject;
  private_metadata: string;
  blocks: (InputBlock | { type: 'section'; text: TextObject })[];
}

/** What a command form carries through Slack: which command, asked from which channel. */
export interface FormMetadata {
  command: string;
  channel: string;
}

const option = (value: string): Option => ({ text: plain(clip(value, 75)), value });

function hint(arg: ArgDoc): string | undefined {
  const parts = [
    arg.description,
    arg.pattern && !arg.choices ? `format: ${arg.pattern}` : undefined,
  ];
  const text = parts.filter(Boolean).join(' · ');
  return text ? clip(text, 2000) : undefined;
}

function element(arg: ArgDoc, targets: FileConfig['targets']): InputElement {
  const initial = arg.defaultValue === undefined ? undefined : String(arg.defaultValue);
  const names = arg.target
    ? Object.keys(
        (targets as Record<string, Record<string, unknown> | undefined>)[arg.target] ?? {},
      )
    : [];
  const choices = arg.choices ?? (names.length ? names : undefined);
  // A static_select holds 1..100 options whose values are at most 150 characters: more choices,
  // or a longer one, are typed instead (and validated like typing), never silently left out.
  if (choices && choices.length <= 100 && choices.every((c) => c.length >= 1 && c.length <= 150)) {
    const options = choices.map(option);
    const selected = options.find((o) => o.value === initial);
    return {
      type: 'static_select',
      action_id: BLOCK.formValue,
      options,
      ...(selected ? { initial_option: selected } : {}),
    };
  }
  return {
    type: 'plain_text_input',
    action_id: BLOCK.formValue,
    ...(initial !== undefined ? { initial_value: initial } : {}),
  };
}

/** The form for a command, built from its zod schema: one input per argument, required ones marked. */
export function commandFormModal(
  command: AnyCommand,
  targets: FileConfig['targets'],
  metadata: FormMetadata,
): ModalView {
  const inputs: InputBlock[] = argDocs(command).map((arg) => {
    const text = hint(arg);
    return {
      type: 'input',
      block_id: `${BLOCK.formArgPrefix}${arg.name}`,
      label: plain(clip(`${arg.name}${arg.required ? ' (required)' : ''}`, 2000)),
      element: element(arg, targets),
      ...(text ? { hint: plain(text) } : {}),
      optional: !arg.required,
    };
  });
  return {
    type: 'modal',
    callback_id: VIEW.commandForm,
    title: plain(clip(`/ops ${command.name}`, 24)),
    submit: plain('Request'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(metadata),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(command.summary, 3000) } },
      ...inputs.slice(0, 99),
    ],
  };
}

type SubmittedValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value: string } | null }>
>;

/** The values a person typed or picked in a command form, by argument name (empty ones left out). */
export function formValues(values: SubmittedValues | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [blockId, actions] of Object.entries(values ?? {})) {
    if (!blockId.startsWith(BLOCK.formArgPrefix)) continue;
    const entry = actions[BLOCK.formValue];
    const value = entry?.selected_option?.value ?? entry?.value ?? '';
    if (value.trim() !== '') out[blockId.slice(BLOCK.formArgPrefix.length)] = value.trim();
  }
  return out;
}

/** Validation problems as `response_action: errors`, each on its field (others on the first field). */
export function formErrors(command: AnyCommand, problems: FieldProblem[]): Record<string, string> {
  const names = argDocs(command).map((a) => a.name);
  const errors: Record<string, string> = {};
  for (const problem of problems) {
    const field = names.includes(problem.field) ? problem.field : names[0];
    if (field === undefined) continue;
    const blockId = `${BLOCK.formArgPrefix}${field}`;
    errors[blockId] = clip(
      errors[blockId] ? `${errors[blockId]}; ${problem.message}` : problem.message,
      150,
    );
  }
  return errors;
}

/** The modal asking for an optional reason before a request is denied. */
export function denyReasonModal(requestId: string, command: string, channel: string): ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.denyReason,
    title: plain('Deny request'),
    submit: plain('Deny'),
    close: plain('Back'),
    private_metadata: JSON.stringify({ request: requestId, channel }),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: clip(`Deny \`${command}\` (${requestId})? Nothing will run.`, 3000),
        },
      },
      {
        type: 'input',
        block_id: BLOCK.denyReason,
        label: plain('Reason (shown on the card)'),
        element: {
          type: 'plain_text_input',
          action_id: BLOCK.denyReasonValue,
          multiline: true,
          max_length: 500,
        },
        optional: true,
      },
    ],
  };
}

/** The reason typed in the deny modal, if any. */
export function denyReasonValue(values: SubmittedValues | undefined): string | undefined {
  const value = values?.[BLOCK.denyReason]?.[BLOCK.denyReasonValue]?.value?.trim();
  return value ? value : undefined;
}
