import { type InlineElement, type RichText, utcText } from '../../sdk/output.ts';
import { escapeText, isSafeUrl } from './format.ts';

const USER_ID = /^[UW][A-Z0-9]+$/;
const CHANNEL_ID = /^[CG][A-Z0-9]+$/;
/** How Slack shows a date: "Yesterday 4:25 PM" in the reader's time zone (the fallback is UTC). */
const DATE_FORMAT = '{date_short_pretty} {time}';

/** One inline element as Slack mrkdwn: `<@U…>`, `<#C…>`, `<url|label>`, `<!date^…|fallback>`. */
export function elementMrkdwn(element: InlineElement): string {
  switch (element.type) {
    case 'mention':
      return USER_ID.test(element.user) ? `<@${element.user}>` : escapeText(`@${element.user}`);
    case 'channel':
      return CHANNEL_ID.test(element.id) ? `<#${element.id}>` : escapeText(`#${element.id}`);
    case 'link': {
      const label = escapeText(element.label || element.url);
      // Slack reads the whole text escaped, the URL too (`&` as `&amp;`); SAFE_URL has no < or >.
      return isSafeUrl(element.url) ? `<${escapeText(element.url)}|${label}>` : label;
    }
    case 'date': {
      const fallback = utcText(element.ts);
      if (!Number.isFinite(element.ts)) return fallback;
      return `<!date^${Math.floor(element.ts / 1000)}^${DATE_FORMAT}|${fallback}>`;
    }
  }
}

/**
 * Rich text as Slack mrkdwn within `max` characters: plain strings escaped, elements as markup.
 * Cutting never splits an element or an escaped entity (`&amp;`); a cut text ends in ` …`.
 */
export function richMrkdwn(text: RichText, max: number): string {
  const parts = (typeof text === 'string' ? [text] : text).map((part) =>
    typeof part === 'string'
      ? { text: escapeText(part), atomic: false }
      : {
          text: elementMrkdwn(part),
          atomic: true,
        },
  );
  const whole = parts.map((p) => p.text).join('');
  if (whole.length <= max) return whole;
  const room = max - 2;
  let out = '';
  for (const part of parts) {
    if (out.length + part.text.length <= room) {
      out += part.text;
      continue;
    }
    if (!part.atomic) out += cutEscaped(part.text, room - out.length);
    break;
  }
  return `${out} …`;
}

/** The first `size` characters of escaped text, one entity shorter if the cut would split it. */
function cutEscaped(text: string, size: number): string {
  let at = Math.max(0, size);
  const amp = text.lastIndexOf('&', at - 1);
  if (amp >= 0 && at - amp < 5 && !text.slice(amp, at).includes(';')) at = amp;
  return text.slice(0, at);
}
