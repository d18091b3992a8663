import type { App } from '@slack/bolt';
import { type CommandFormDeps, registerCommandForm } from './command-form.ts';
import { type RequestActionDeps, registerRequestActions } from './request-actions.ts';

/** Every listener of the approval flow: request card buttons, the deny-reason modal and command forms. */
export function registerApprovalListeners(app: App, deps: RequestActionDeps & CommandFormDeps) {
  registerRequestActions(app, deps);
  registerCommandForm(app, deps);
}
