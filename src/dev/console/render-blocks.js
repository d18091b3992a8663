// Block Kit → HTML for the local console. A pure module (no DOM, no imports): Node's unit tests
// and the browser import this same file. Every value from a message is HTML-escaped.

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Slack escapes &, < and > in message text; undo that before escaping for HTML. */
function unslack(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function safeUrl(url) {
  return /^(https?:|mailto:)/i.test(url) ? url : '#';
}

function renderLink(inner, options) {
  const [target, label] = inner.split('|', 2);
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = options.users?.[id] ?? label ?? id;
    return `<span class="bk-mention">@${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('#')) {
    const name = label ?? options.channels?.[target.slice(1)] ?? target.slice(1);
    return `<span class="bk-mention">#${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('!date^')) {
    return `<span class="bk-date">${escapeHtml(label ?? target.split('^')[1])}</span>`;
  }
  if (target.startsWith('!')) {
    return `<span class="bk-mention">@${escapeHtml(label ?? target.slice(1).split('^')[0])}</span>`;
  }
  const url = unslack(target);
  const text = escapeHtml(unslack(label ?? target));
  if (safeUrl(url) === '#') return `<span class="bk-link-refused">${text}</span>`;
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener">${text}</a>`;
}

/** The emoji shortcodes opsbot writes, as characters; others stay as typed. */
const EMOJI = {
  warning: '⚠️',
  no_entry: '⛔',
  rotating_light: '🚨',
  white_check_mark: '✅',
  red_circle: '🔴',
  large_orange_circle: '🟠',
  large_yellow_circle: '🟡',
  large_blue_circle: '🔵',
  speech_balloon: '💬',
  repeat: '🔁',
  mega: '📣',
  mag: '🔍',
  lock: '🔒',
  fire: '🔥',
  eyes: '👀',
  x: '❌',
};

function emoji(html) {
  return html.replace(/:([a-z0-9_+-]+):/g, (code, name) => EMOJI[name] ?? code);
}

function styleInline(html) {
  return html
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, '$1<i>$2</i>')
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/g, '$1<s>$2</s>');
}

/**
 * Slack mrkdwn → HTML: ```code blocks```, `inline code`, *bold*, _italic_, ~strike~, > quotes,
 * <links|labels>, <@user> and <#channel> mentions, <!date^…|fallback>, :emoji:, line breaks.
 */
export function renderMrkdwn(text, options = {}) {
  const held = [];
  const hold = (html) => `\u0000${held.push(html) - 1}\u0000`;
  let rest = String(text)
    .replace(/```([\s\S]*?)```/g, (_, code) =>
      hold(`<pre class="bk-code">${escapeHtml(unslack(code.replace(/^\n/, '')))}</pre>`),
    )
    .replace(/`([^`\n]+)`/g, (_, code) => hold(`<code>${escapeHtml(unslack(code))}</code>`))
    .replace(/<([^<>\n]+)>/g, (_, inner) => hold(renderLink(inner, options)));
  rest = emoji(styleInline(escapeHtml(unslack(rest))));
  rest = rest
    .split('\n')
    .map((line) =>
      line.startsWith('&gt; ') ? `<span class="bk-quote">${line.slice(5)}</span>` : line,
    )
    .join('<br>');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: placeholders use NUL on purpose
  return rest.replace(/\u0000(\d+)\u0000/g, (_, i) => held[Number(i)]);
}

/** A text object (`plain_text` or `mrkdwn`). */
export function renderText(text, options = {}) {
  if (!text) return '';
  if (text.type === 'mrkdwn') return renderMrkdwn(text.text ?? '', options);
  return escapeHtml(text.text ?? '');
}

function dataAttributes(values) {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join('');
}

function renderButton(button, blockId) {
  const style = button.style ? ` bk-button-${escapeHtml(button.style)}` : '';
  const label = renderText(button.text);
  if (button.url) {
    return `<a class="bk-button${style}" href="${escapeHtml(safeUrl(button.url))}" target="_blank" rel="noopener">${label}</a>`;
  }
  const data = dataAttributes({
    'action-id': button.action_id,
    'block-id': blockId,
    value: button.value,
  });
  return `<button type="button" class="bk-button${style}"${data}>${label}</button>`;
}

function renderImage(image) {
  const url = image.image_url ?? image.slack_file?.url ?? '';
  return `<img class="bk-image" src="${escapeHtml(safeUrl(url))}" alt="${escapeHtml(image.alt_text ?? '')}">`;
}

function renderElement(element, blockId, options) {
  switch (element.type) {
    case 'button':
      return renderButton(element, blockId);
    case 'image':
      return renderImage(element);
    case 'mrkdwn':
    case 'plain_text':
      return `<span class="bk-text">${renderText(element, options)}</span>`;
    default:
      return renderInputElement(element, blockId);
  }
}

function renderOptions(options, initial) {
  return (options ?? [])
    .map((o) => {
      const selected = initial && initial.value === o.value ? ' selected' : '';
      return `<option value="${escapeHtml(o.value)}"${selected}>${renderText(o.text)}</option>`;
    })
    .join('');
}

/** Form elements of input blocks (modals). `name` is `<block_id>/<action_id>`. */
function renderInputElement(element, blockId) {
  const data = dataAttributes({
    'block-id': blockId,
    'action-id': element.action_id,
    'element-type': element.type,
  });
  const placeholder = element.placeholder
    ? ` placeholder="${escapeHtml(element.placeholder.text ?? '')}"`
    : '';
  switch (element.type) {
    case 'plain_text_input': {
      const value = escapeHtml(element.initial_value ?? '');
      return element.multiline
        ? `<textarea class="bk-input"${data}${placeholder}>${value}</textarea>`
        : `<input class="bk-input" type="text"${data}${placeholder} value="${value}">`;
    }
    case 'static_select':
      return `<select class="bk-input"${data}><option value=""></option>${renderOptions(element.options, element.initial_option)}</select>`;
    case 'number_input':
      return `<input class="bk-input" type="number"${data}${placeholder} value="${escapeHtml(element.initial_value ?? '')}">`;
    default:
      return `<span class="bk-unsupported">unsupported element: ${escapeHtml(element.type)}</span>`;
  }
}

function renderSection(block, options) {
  const text = block.text
    ? `<div class="bk-section-text">${renderText(block.text, options)}</div>`
    : '';
  const fields = block.fields?.length
    ? `<div class="bk-fields">${block.fields.map((f) => `<div class="bk-field">${renderText(f, options)}</div>`).join('')}</div>`
    : '';
  const accessory = block.accessory
    ? `<div class="bk-accessory">${renderElement(block.accessory, block.block_id, options)}</div>`
    : '';
  return `<div class="bk-section"><div class="bk-section-body">${text}${fields}</div>${accessory}</div>`;
}

function renderInput(block, options, errors) {
  const error = errors?.[block.block_id];
  const hint = block.hint ? `<div class="bk-hint">${renderText(block.hint, options)}</div>` : '';
  const message = error ? `<div class="bk-error">${escapeHtml(error)}</div>` : '';
  const optional = block.optional ? ' <span class="bk-optional">(optional)</span>' : '';
  return `<label class="bk-input-block${error ? ' bk-has-error' : ''}"><span class="bk-label">${renderText(block.label, options)}${optional}</span>${renderInputElement(block.element ?? {}, block.block_id)}${hint}${message}</label>`;
}

/** One block. Unknown types render as a visible note rather than disappearing. */
export function renderBlock(block, options = {}, errors = undefined) {
  switch (block.type) {
    case 'header':
      return `<div class="bk-header">${renderText(block.text)}</div>`;
    case 'section':
      return renderSection(block, options);
    case 'context':
      return `<div class="bk-context">${(block.elements ?? []).map((e) => renderElement(e, block.block_id, options)).join('')}</div>`;
    case 'divider':
      return '<hr class="bk-divider">';
    case 'actions':
      return `<div class="bk-actions">${(block.elements ?? []).map((e) => renderElement(e, block.block_id, options)).join('')}</div>`;
    case 'image': {
      const title = block.title
        ? `<div class="bk-image-title">${renderText(block.title)}</div>`
        : '';
      return `<div class="bk-image-block">${title}${renderImage(block)}</div>`;
    }
    case 'input':
      return renderInput(block, options, errors);
    default:
      return `<div class="bk-unsupported">unsupported block: ${escapeHtml(block.type)}</div>`;
  }
}

/**
 * A message's content: its blocks, or its text when it has none. `options.users` and
 * `options.channels` map ids to names for mentions.
 */
export function renderMessage(message, options = {}) {
  if (message.blocks?.length)
    return message.blocks.map((block) => renderBlock(block, options)).join('\n');
  return `<div class="bk-section-text">${renderMrkdwn(message.text ?? '', options)}</div>`;
}

/** A modal's body; `errors` maps block ids to messages (a `response_action: errors` answer). */
export function renderView(view, options = {}, errors = undefined) {
  return (view.blocks ?? []).map((block) => renderBlock(block, options, errors)).join('\n');
}
