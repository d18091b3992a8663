/** Types of `render-blocks.js`, the console's Block Kit → HTML renderer (plain JS so browsers load it as is). */

export interface RenderOptions {
  /** user id → name, for `<@U…>` mentions. */
  users?: Record<string, string>;
  /** channel id → name, for `<#C…>` mentions. */
  channels?: Record<string, string>;
}

export interface RenderableMessage {
  text?: string;
  blocks?: unknown[];
}

export function escapeHtml(text: string): string;
export function renderMrkdwn(text: string, options?: RenderOptions): string;
export function renderText(
  text: { type: string; text?: string } | undefined,
  options?: RenderOptions,
): string;
export function renderBlock(
  block: unknown,
  options?: RenderOptions,
  errors?: Record<string, string>,
): string;
export function renderMessage(message: RenderableMessage, options?: RenderOptions): string;
export function renderView(
  view: { blocks?: unknown[] },
  options?: RenderOptions,
  errors?: Record<string, string>,
): string;
