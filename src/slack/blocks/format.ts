/** Small text helpers shared by the block builders. */

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Only http(s) links with nothing Slack would read as the end of a link (`|`, `>`) or a space. */
const SAFE_URL = /^https?:\/\/[^\s<>|]+$/i;

export function isSafeUrl(url: string): boolean {
  return SAFE_URL.test(url);
}

/** `<url|label>` for a safe URL with its label escaped; only the escaped label otherwise. */
export function link(url: string, label: string): string {
  return isSafeUrl(url) ? `<${url}|${escapeText(label)}>` : escapeText(label);
}

export function user(id: string): string {
  return /^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : escapeText(id);
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function progressBar(done: number, total: number, width = 10): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `${'▰'.repeat(filled)}${'▱'.repeat(width - filled)} ${done}/${total}`;
}

/** Cuts text to a Block Kit limit, saying so. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 2)} …`;
}
