import type { HttpServer } from '../http/server.ts';
import { sendJson } from '../http/server.ts';
import { metrics } from '../metrics/metrics.ts';
import { createSlackApp } from '../slack/app.ts';
import { registerApprovalListeners } from '../slack/listeners/approvals.ts';
import { registerCommandButtonListener } from '../slack/listeners/command-button.ts';
import { commandFormOpener } from '../slack/listeners/command-form.ts';
import { registerCommandListener } from '../slack/listeners/commands.ts';
import { registerGuidedListeners } from '../slack/listeners/guided-runbooks.ts';
import { registerStopFollowListener } from '../slack/listeners/stop-follow.ts';
import { refuseSlackRequest } from '../slack/request-guard.ts';
import type { Lifecycle } from './options.ts';
import type { Services } from './services.ts';

type SlackApp = ReturnType<typeof createSlackApp>;

/** Every Slack listener of the web role: commands, forms, buttons, approvals, guided runbooks. */
function registerListeners(slack: SlackApp, s: Services) {
  const { registry, file, enqueueSubmission, writer, log } = s;
  const listenerDeps = { registry, config: file, enqueueSubmission, writer, log };
  registerCommandListener(slack.app, {
    ...listenerDeps,
    openForm: commandFormOpener(s.client, listenerDeps),
  });
  registerApprovalListeners(slack.routes, { ...listenerDeps, decisions: s.requestFlow.decisions });
  registerStopFollowListener(slack.routes, { redis: s.redis, keys: s.keys, log });
  registerCommandButtonListener(slack.routes, listenerDeps);
  registerGuidedListeners(slack.routes, { engine: s.guided.engine, writer, log });
}

/** HTTP mode: Bolt's receiver answers `/slack/events` on opsbot's own server (refused while draining). */
function mountSlackEvents(
  http: HttpServer,
  listener: Extract<SlackApp['receiver'], { requestListener: unknown }>['requestListener'],
  lifecycle: Lifecycle,
) {
  http.route('POST', '/slack/events', (req, res) => {
    if (lifecycle.draining) return sendJson(res, 503, { error: 'draining' });
    const refused = refuseSlackRequest(req);
    if (refused) {
      req.resume();
      return sendJson(res, refused.status, { error: refused.error });
    }
    const timer = metrics.ackLatency.startTimer({ kind: 'slack' });
    res.once('finish', () => timer());
    return listener(req, res);
  });
}

/**
 * The web role: takes Slack requests (Bolt, in HTTP or Socket Mode) and hands them to the workers,
 * and runs the approval sweeper. Imported only by roles that take Slack requests, so a worker never
 * loads Bolt.
 */
export async function startWeb(s: Services, http: HttpServer, lifecycle: Lifecycle) {
  const { env } = s;
  const slack = createSlackApp({
    botToken: env.SLACK_BOT_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET,
    appToken: env.SLACK_APP_TOKEN,
    slackApiUrl: env.SLACK_API_URL,
    log: s.log,
  });
  registerListeners(slack, s);
  s.requestFlow.startSweeper();
  const socketMode = !('requestListener' in slack.receiver);
  if ('requestListener' in slack.receiver)
    mountSlackEvents(http, slack.receiver.requestListener, lifecycle);
  else await slack.app.start();
  return {
    routes: slack.routes,
    async stop() {
      if (socketMode) await slack.app.stop();
    },
  };
}

export type Web = Awaited<ReturnType<typeof startWeb>>;
