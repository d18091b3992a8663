import { type CommandFormDeps, registerCommandForm } from './command-form.ts';
import { type RequestActionDeps, registerRequestActions } from './request-actions.ts';
import type { SlackRoutes } from './routes.ts';

/** Every listener of the approval flow: request card buttons, the deny-reason modal and command forms. */
export function registerApprovalListeners(
  routes: SlackRoutes,
  deps: RequestActionDeps & CommandFormDeps,
) {
  registerRequestActions(routes, deps);
  registerCommandForm(routes, deps);
}
