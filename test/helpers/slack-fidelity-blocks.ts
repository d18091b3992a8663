/**
 * A strict Block Kit checker written from Slack's reference pages (docs.slack.dev/reference/
 * block-kit), independent of the project's emulator: every rule a real Slack (or a stand-in that
 * follows the docs) applies to the blocks opsbot sends. Returns the problems found, [] when valid.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function textObject(
  problems: string[],
  where: string,
  value: unknown,
  opts: { max: number; plainOnly?: boolean },
) {
  if (!isObject(value)) return problems.push(`${where}: text object missing`);
  if (value.type !== 'plain_text' && value.type !== 'mrkdwn')
    return problems.push(`${where}: text type ${String(value.type)}`);
  if (opts.plainOnly && value.type !== 'plain_text')
    problems.push(`${where}: must be plain_text, is ${String(value.type)}`);
  if (value.type === 'mrkdwn' && 'emoji' in value)
    problems.push(`${where}: emoji is only for plain_text`);
  const text = value.text;
  if (typeof text !== 'string') return problems.push(`${where}: text is not a string`);
  if (text.length < 1) problems.push(`${where}: empty text`);
  if (text.length > opts.max) problems.push(`${where}: text ${text.length} > ${opts.max}`);
  return undefined;
}

function button(problems: string[], where: string, element: Json) {
  textObject(problems, `${where}.text`, element.text, { max: 75, plainOnly: true });
  if (typeof element.value === 'string' && element.value.length > 2000)
    problems.push(`${where}: value ${element.value.length} > 2000`);
  if (typeof element.url === 'string' && element.url.length > 3000)
    problems.push(`${where}: url ${element.url.length} > 3000`);
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger')
    problems.push(`${where}: style ${String(element.style)}`);
}

function option(problems: string[], where: string, value: unknown) {
  if (!isObject(value)) return problems.push(`${where}: option missing`);
  textObject(problems, `${where}.text`, value.text, { max: 75, plainOnly: true });
  if (typeof value.value !== 'string' || value.value.length < 1 || value.value.length > 150)
    problems.push(`${where}: option value must be 1..150 characters`);
  return undefined;
}

function inputElement(problems: string[], where: string, element: unknown) {
  if (!isObject(element)) return problems.push(`${where}: element missing`);
  if (element.type === 'plain_text_input') {
    const max = element.max_length as number | undefined;
    if (max !== undefined && (max < 1 || max > 3000)) problems.push(`${where}: max_length ${max}`);
    const initial = element.initial_value as string | undefined;
    if (initial !== undefined && max !== undefined && initial.length > max)
      problems.push(`${where}: initial_value longer than max_length`);
  } else if (element.type === 'static_select') {
    const options = element.options as unknown[] | undefined;
    if (!Array.isArray(options) || options.length < 1 || options.length > 100)
      problems.push(`${where}: static_select needs 1..100 options`);
    const values = new Set<string>();
    for (const [i, o] of (options ?? []).entries()) {
      option(problems, `${where}.options[${i}]`, o);
      const v = (o as Json)?.value as string;
      if (values.has(v)) problems.push(`${where}: duplicate option value ${v}`);
      values.add(v);
    }
    if (element.initial_option !== undefined) {
      const initial = JSON.stringify(element.initial_option);
      if (!(options ?? []).some((o) => JSON.stringify(o) === initial))
        problems.push(`${where}: initial_option is not one of the options`);
    }
  } else problems.push(`${where}: unchecked input element ${String(element.type)}`);
  return undefined;
}

/** Problems of a blocks array on a surface: a message (≤50 blocks) or a modal (≤100). */
export function blockProblems(blocks: unknown, surface: 'message' | 'modal' = 'message'): string[] {
  const problems: string[] = [];
  if (!Array.isArray(blocks)) return ['blocks is not an array'];
  const max = surface === 'modal' ? 100 : 50;
  if (blocks.length > max) problems.push(`${blocks.length} blocks > ${max}`);
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  const actionId = (where: string, id: unknown) => {
    if (typeof id !== 'string' || id.length < 1 || id.length > 255)
      return problems.push(`${where}: action_id must be 1..255 characters`);
    if (actionIds.has(id)) problems.push(`${where}: duplicate action_id ${id}`);
    actionIds.add(id);
    return undefined;
  };
  for (const [index, block] of (blocks as unknown[]).entries()) {
    const where = `blocks[${index}]`;
    if (!isObject(block)) {
      problems.push(`${where}: not an object`);
      continue;
    }
    if (block.block_id !== undefined) {
      const id = block.block_id;
      if (typeof id !== 'string' || id.length < 1 || id.length > 255)
        problems.push(`${where}: block_id must be 1..255 characters`);
      else if (blockIds.has(id)) problems.push(`${where}: duplicate block_id ${id}`);
      else blockIds.add(id);
    }
    switch (block.type) {
      case 'section': {
        if (block.text === undefined && block.fields === undefined)
          problems.push(`${where}: section needs text or fields`);
        if (block.text !== undefined)
          textObject(problems, `${where}.text`, block.text, { max: 3000 });
        if (block.fields !== undefined) {
          const fields = block.fields as unknown[];
          if (!Array.isArray(fields) || fields.length < 1 || fields.length > 10)
            problems.push(`${where}: fields must hold 1..10 items`);
          for (const [i, f] of (Array.isArray(fields) ? fields : []).entries())
            textObject(problems, `${where}.fields[${i}]`, f, { max: 2000 });
        }
        break;
      }
      case 'header':
        textObject(problems, `${where}.text`, block.text, { max: 150, plainOnly: true });
        break;
      case 'context': {
        const elements = block.elements as unknown[];
        if (!Array.isArray(elements) || elements.length < 1 || elements.length > 10)
          problems.push(`${where}: context needs 1..10 elements`);
        for (const [i, e] of (Array.isArray(elements) ? elements : []).entries())
          textObject(problems, `${where}.elements[${i}]`, e, { max: 3000 });
        break;
      }
      case 'divider':
        break;
      case 'actions': {
        const elements = block.elements as unknown[];
        if (!Array.isArray(elements) || elements.length < 1 || elements.length > 25)
          problems.push(`${where}: actions needs 1..25 elements`);
        for (const [i, e] of (Array.isArray(elements) ? elements : []).entries()) {
          if (!isObject(e) || e.type !== 'button') {
            problems.push(`${where}.elements[${i}]: unchecked element`);
            continue;
          }
          actionId(`${where}.elements[${i}]`, e.action_id);
          button(problems, `${where}.elements[${i}]`, e);
        }
        break;
      }
      case 'input': {
        if (surface !== 'modal') problems.push(`${where}: input blocks belong in modals`);
        textObject(problems, `${where}.label`, block.label, { max: 2000, plainOnly: true });
        if (block.hint !== undefined)
          textObject(problems, `${where}.hint`, block.hint, { max: 2000, plainOnly: true });
        const element = block.element as Json | undefined;
        actionId(`${where}.element`, element?.action_id);
        inputElement(problems, `${where}.element`, element);
        break;
      }
      default:
        problems.push(`${where}: unchecked block type ${String(block.type)}`);
    }
  }
  return problems;
}

/** Problems of a message payload: blocks valid, with a top-level `text` fallback. */
export function messageProblems(content: { text?: unknown; blocks?: unknown }): string[] {
  const problems = blockProblems(content.blocks);
  if (typeof content.text !== 'string' || content.text.length === 0)
    problems.push('no top-level text fallback');
  return problems;
}

/** Problems of a modal view (views.open / views.update). */
export function modalProblems(view: Json): string[] {
  const problems = blockProblems(view.blocks, 'modal');
  if (view.type !== 'modal') problems.push('view type is not modal');
  textObject(problems, 'title', view.title, { max: 24, plainOnly: true });
  if (view.submit !== undefined)
    textObject(problems, 'submit', view.submit, { max: 24, plainOnly: true });
  if (view.close !== undefined)
    textObject(problems, 'close', view.close, { max: 24, plainOnly: true });
  const hasInput = (view.blocks as Json[]).some((b) => b?.type === 'input');
  if (hasInput && view.submit === undefined) problems.push('a modal with inputs needs submit');
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000)
    problems.push(`private_metadata ${view.private_metadata.length} > 3000`);
  if (typeof view.callback_id === 'string' && view.callback_id.length > 255)
    problems.push('callback_id > 255');
  return problems;
}
