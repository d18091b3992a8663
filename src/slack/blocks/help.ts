import { z } from 'zod';
import type { AnyCommand } from '../../sdk/command.ts';
import { BASE_POLICY, type Policy } from '../../sdk/policy.ts';
import { TARGET_META } from '../../sdk/targets.ts';
import { escapeText } from './format.ts';
import { type MessageContent, mrkdwn } from './types.ts';

export interface ArgDoc {
  name: string;
  type: string;
  required: boolean;
  description?: string;
  defaultValue?: unknown;
  choices?: string[];
  target?: string;
  pattern?: string;
}

interface JsonProperty {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: string[];
  pattern?: string;
  [TARGET_META]?: string;
}

/** The arguments of a command, read from its zod schema. Also used to build forms. */
export function argDocs(command: AnyCommand): ArgDoc[] {
  const schema = z.toJSONSchema(command.args, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonProperty>;
    required?: string[];
  };
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, p]) => ({
    name,
    type: p.enum ? 'one of' : p[TARGET_META] ? `${p[TARGET_META]} target` : (p.type ?? 'text'),
    required: required.has(name),
    description: p.description,
    defaultValue: p.default,
    choices: p.enum,
    target: p[TARGET_META],
    pattern: p.pattern,
  }));
}

export function usage(command: AnyCommand): string {
  const positional = new Set(command.positional ?? []);
  const parts = argDocs(command).map((arg) => {
    const shown = positional.has(arg.name) ? `<${arg.name}>` : `${arg.name}=…`;
    return arg.required ? shown : `[${shown}]`;
  });
  return `/ops ${command.name} ${parts.join(' ')}`.trim();
}

export function describePolicy(policy: Policy): string {
  const approvals =
    policy.approvals === 0
      ? 'no approval'
      : `${policy.approvals} approval${policy.approvals > 1 ? 's' : ''} from ${policy.approverGroups.join(' or ') || 'anyone but the requester'}`;
  const who = policy.requesters.length
    ? `requested by ${policy.requesters.join(' or ')}`
    : 'anyone may request';
  const glass = policy.breakGlass
    ? `, break-glass allowed${policy.breakGlassGroups.length ? ` for ${policy.breakGlassGroups.join(' or ')}` : ''}`
    : '';
  return `${who}; ${approvals}; open ${policy.ttlMinutes} min${glass}`;
}

export function helpIndex(commands: AnyCommand[]): MessageContent {
  const lines = commands.map((c) => `• \`${c.name}\` — ${escapeText(c.summary)}`);
  const footer =
    "`/ops help <command>` shows a command's arguments and policy. Add `--plan` to any command to preview it.";
  const text = `*opsbot commands*\n${lines.join('\n')}\n\n${footer}`;
  // A section's text holds at most 3,000 characters (Block Kit), so the list takes as many as it needs.
  const sections: string[] = ['*opsbot commands*'];
  for (const line of [...lines, '', footer]) {
    const last = sections.length - 1;
    if (sections[last]!.length + line.length + 1 > 3000) sections.push(line);
    else sections[last] = `${sections[last]}\n${line}`;
  }
  return { text, blocks: sections.map((part) => ({ type: 'section', text: mrkdwn(part) })) };
}

export function helpCommand(command: AnyCommand, policies: Record<string, Policy>): MessageContent {
  const args = argDocs(command).map((arg) => {
    const extra = [
      arg.required
        ? 'required'
        : `optional${arg.defaultValue !== undefined ? `, default ${String(arg.defaultValue)}` : ''}`,
      arg.choices ? arg.choices.join(' | ') : undefined,
    ].filter(Boolean);
    return `• \`${arg.name}\` (${arg.type}; ${extra.join('; ')})${arg.description ? ` — ${escapeText(arg.description)}` : ''}`;
  });
  const policyLines = Object.entries(policies).map(([env, p]) => `• ${env}: ${describePolicy(p)}`);
  const text = [
    `*${command.name}* — ${escapeText(command.summary)}`,
    `\`${usage(command)}\``,
    '*Arguments*',
    ...(args.length ? args : ['• none']),
    '*Policy*',
    ...(policyLines.length ? policyLines : [`• ${describePolicy(BASE_POLICY)}`]),
  ].join('\n');
  return { text, blocks: [{ type: 'section', text: mrkdwn(text.slice(0, 3000)) }] };
}
