import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
export type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
export type ButtonListener = (args: ButtonArgs) => Promise<void>;
export type ViewListener = (args: ViewArgs) => Promise<void>;

/**
 * opsbot's button and modal listeners, found by id. Bolt runs the middleware chain of every
 * registered listener on every request (a slash command included), so opsbot registers one Bolt
 * listener for all buttons and one for all modal submissions, and looks the id up here: a
 * request's cost does not grow with the number of buttons. An id nobody listens to is left
 * unanswered, as Bolt leaves it.
 */
export class SlackRoutes {
  private readonly buttons = new Map<string, ButtonListener>();
  private readonly buttonPatterns: { pattern: RegExp; listener: ButtonListener }[] = [];
  private readonly views = new Map<string, ViewListener>();

  constructor(app: App) {
    app.action<BlockAction<ButtonAction>>({ type: 'block_actions' }, async (args) => {
      await this.buttonListener(args.action.action_id)?.(args);
    });
    app.view<ViewSubmitAction>({ type: 'view_submission' }, async (args) => {
      await this.views.get(args.view.callback_id)?.(args);
    });
  }

  /** Listens to the button `actionId` (or every action id the pattern matches). */
  button(actionId: string | RegExp, listener: ButtonListener): this {
    if (typeof actionId === 'string') this.buttons.set(actionId, listener);
    else this.buttonPatterns.push({ pattern: actionId, listener });
    return this;
  }

  /** Listens to submissions of the modal whose `callback_id` is `callbackId`. */
  view(callbackId: string, listener: ViewListener): this {
    this.views.set(callbackId, listener);
    return this;
  }

  private buttonListener(actionId: string): ButtonListener | undefined {
    return (
      this.buttons.get(actionId) ??
      this.buttonPatterns.find(({ pattern }) => pattern.test(actionId))?.listener
    );
  }
}
