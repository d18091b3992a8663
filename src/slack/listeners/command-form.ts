import type { View, WebClient } from '@slack/web-api';
import type { FileConfig } from '../../config/file.ts';
import { type Registry, requiredNames, validateArgs } from '../../intake/validate.ts';
import type { Logger } from '../../log.ts';
import type { SlackWriter } from '../../notify/slack-writer.ts';
import type { EnqueueSubmission } from '../../requests/submission.ts';
import type { AnyCommand } from '../../sdk/command.ts';
import {
  commandFormModal,
  type FormMetadata,
  formErrors,
  formValues,
} from '../blocks/form-modal.ts';
import { invalidArguments } from '../blocks/replies.ts';
import { VIEW } from '../ids.ts';
import type { SlackRoutes } from './routes.ts';

export interface CommandFormDeps {
  registry: Registry;
  config: Pick<FileConfig, 'targets'>;
  enqueueSubmission: EnqueueSubmission;
  writer: SlackWriter;
  log: Logger;
}

/** What a bare command opens (after the ack): its form, or the usage as before when Slack refuses. */
export type OpenCommandForm = (input: {
  triggerId: string;
  command: AnyCommand;
  channel: string;
  user: string;
}) => Promise<void>;

export function commandFormOpener(client: WebClient, deps: CommandFormDeps): OpenCommandForm {
  return async ({ triggerId, command, channel, user }) => {
    try {
      await client.views.open({
        trigger_id: triggerId,
        // Our builders type a subset of Block Kit; Slack's View type is the full union.
        view: commandFormModal(command, deps.config.targets, {
          command: command.name,
          channel,
        }) as unknown as View,
      });
    } catch (error) {
      deps.log.warn({ err: (error as Error).message }, 'could not open the command form');
      const missing = requiredNames(command).map((field) => ({ field, message: 'required' }));
      await deps.writer
        .ephemeral(channel, user, invalidArguments(command, missing))
        .catch(() => {});
    }
  };
}

/** A submitted command form: validated exactly like typing; errors go on the form's fields. */
export function registerCommandForm(routes: SlackRoutes, deps: CommandFormDeps) {
  routes.view(VIEW.commandForm, async ({ ack, body, view }) => {
    let meta: Partial<FormMetadata> = {};
    try {
      meta = JSON.parse(view.private_metadata) as FormMetadata;
    } catch {}
    const command = deps.registry.find(String(meta.command ?? ''));
    if (!command) {
      await ack();
      return;
    }
    const given = formValues(view.state.values as never);
    const intake = validateArgs(
      command,
      { positional: [], named: given, flags: [] },
      deps.config.targets,
    );
    if (intake.kind === 'incomplete' || intake.kind === 'invalid') {
      const problems =
        intake.kind === 'invalid'
          ? intake.problems
          : requiredNames(command).map((field) => ({ field, message: 'required' }));
      const errors = formErrors(command, problems);
      if (Object.keys(errors).length > 0) {
        await ack({ response_action: 'errors', errors });
        return;
      }
      // No field to show the problem on (a form without inputs): close it and say so privately.
      await ack();
      await deps.writer
        .ephemeral(String(meta.channel ?? ''), body.user.id, invalidArguments(command, problems))
        .catch(() => {});
      return;
    }
    if (intake.kind !== 'valid') {
      await ack();
      return;
    }
    await ack();
    await deps.enqueueSubmission({
      submissionKey: `view:${view.id}`,
      command: command.name,
      args: intake.args,
      environment: intake.environment,
      requester: body.user.id,
      channel: String(meta.channel ?? ''),
      flags: {},
      source: 'form',
    });
  });
}
