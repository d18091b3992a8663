import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Handler, type HttpServer, readBody, sendJson } from '../../http/server.ts';
import { demoAlert, fireAlert } from '../local/demo-alert.ts';
import type { LocalChannel } from '../local/workspace.ts';
import { SignedSlackClient } from '../signed-client.ts';
import type { SlackEmulator } from '../slack-emulator/emulator.ts';
import { guarded, newConsoleToken } from './guard.ts';
import {
  type Actor,
  applyResponse,
  type InteractionDeps,
  sendAction,
  sendCommand,
  submitView,
  type ViewValues,
} from './interactions.ts';
import { LiveEvents } from './live-events.ts';

export interface ConsoleDeps {
  emulator: SlackEmulator;
  signingSecret: string;
  webhookSecret: string;
  users: readonly { id: string; name: string; role: string }[];
  channels: LocalChannel[];
  /** What stands in for AWS, per port (`SANDBOX: …` or `real: …`), shown in the console header. */
  aws: Record<string, string>;
  /** True when local mode runs against real AWS (`OPSBOT_LOCAL_REAL_AWS=1`): a red REAL AWS badge. */
  realAws?: boolean;
}

export interface ConsoleHandle {
  /** This session's token: embedded in the page, required on every `/console/api/*` call. */
  token: string;
  /** Called once the bot listens: the console signs requests to the bot at this URL. */
  attach(baseUrl: string): void;
  /** Ends the live-event streams (so the HTTP server can close). */
  stop(): void;
}

const STATIC: Record<string, { file: string; type: string }> = {
  '/console': { file: 'page.html', type: 'text/html; charset=utf-8' },
  '/console/': { file: 'page.html', type: 'text/html; charset=utf-8' },
  '/console/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/console/render-blocks.js': { file: 'render-blocks.js', type: 'text/javascript; charset=utf-8' },
  '/console/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};

const BODY_LIMIT = 256 * 1024;
const TOKEN_PLACEHOLDER = '__OPSBOT_CONSOLE_TOKEN__';

/** The page may not be framed (a framing page could trick clicks) and sends no referrer. */
const PAGE_HEADERS = {
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const body = await readBody(req, BODY_LIMIT);
  if (body === 'too_large') return undefined;
  try {
    const value = JSON.parse(body.toString('utf8') || '{}');
    return value && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The local console at `/console`: a page, its state as JSON, live events (SSE), and the routes
 * that act as a chosen user. Every action goes to the bot as a correctly signed Slack request,
 * signed here on the server.
 */
export function mountConsole(http: HttpServer, deps: ConsoleDeps): ConsoleHandle {
  const state = deps.emulator.state;
  const token = newConsoleToken();
  const api = (method: string, path: string, handler: Handler) =>
    http.route(method, path, guarded(handler, { token }));
  const live = new LiveEvents(state);
  const closedViews = new Set<string>();
  const viewErrors = new Map<string, Record<string, string>>();
  const responseTargets = new Map<string, { user: string; channel: string; messageTs?: string }>();
  let baseUrl = '';
  let client: SignedSlackClient | undefined;

  const interactions: InteractionDeps = {
    state,
    client: () => {
      if (!client) throw new Error('the console is not attached to the bot yet');
      return client;
    },
    responseUrl: (actor, messageTs) => {
      const id = randomUUID();
      responseTargets.set(id, { user: actor.user.id, channel: actor.channel.id, messageTs });
      return `${baseUrl}/console/api/respond/${id}?token=${token}`;
    },
    closeView: (viewId) => {
      closedViews.add(viewId);
      live.changed();
    },
    setViewErrors: (viewId, errors) => {
      if (errors) viewErrors.set(viewId, errors);
      else viewErrors.delete(viewId);
      live.changed();
    },
  };

  const actorOf = (body: Record<string, unknown>): Actor | undefined => {
    const user = deps.users.find((u) => u.id === body.user);
    const channel = deps.channels.find((c) => c.id === body.channel) ?? deps.channels[0];
    return user && channel ? { user, channel } : undefined;
  };

  // #ops and #incidents first, then channels the bot created (an incident's own channel).
  const channels = () => [
    ...deps.channels,
    ...[...state.channels.values()]
      .filter((c) => !deps.channels.some((known) => known.id === c.id))
      .map((c) => ({ id: c.id, name: c.name })),
  ];

  for (const [path, asset] of Object.entries(STATIC)) {
    const text = readFileSync(new URL(`./${asset.file}`, import.meta.url), 'utf8').replace(
      TOKEN_PLACEHOLDER,
      token,
    );
    const headers = { 'content-type': asset.type, 'cache-control': 'no-store', ...PAGE_HEADERS };
    http.route(
      'GET',
      path,
      guarded((_req, res) => void res.writeHead(200, headers).end(text), {}),
    );
  }
  api('GET', '/console/api/state', (_req, res) =>
    sendJson(res, 200, {
      users: deps.users,
      channels: channels(),
      aws: deps.aws,
      realAws: Boolean(deps.realAws),
      messages: state.messages,
      views: state.views
        .filter((v) => !closedViews.has(v.id))
        .map((v) => ({ ...v, errors: viewErrors.get(v.id) })),
    }),
  );
  api('GET', '/console/api/events', (req, res) => live.subscribe(req, res));

  const act =
    (handle: (actor: Actor, body: Record<string, unknown>) => Promise<Record<string, unknown>>) =>
    async (req: IncomingMessage, res: ServerResponse) => {
      const body = await readJson(req);
      const actor = body && actorOf(body);
      if (!body || !actor)
        return sendJson(res, 400, { error: 'expected JSON naming a known user and channel' });
      return sendJson(res, 200, await handle(actor, body));
    };

  api(
    'POST',
    '/console/api/command',
    act((actor, body) => sendCommand(interactions, actor, String(body.text ?? ''))),
  );
  api(
    'POST',
    '/console/api/action',
    act((actor, body) =>
      sendAction(interactions, actor, {
        ts: body.ts as string | undefined,
        viewId: body.viewId as string | undefined,
        actionId: String(body.actionId ?? ''),
        blockId: body.blockId as string | undefined,
        value: body.value as string | undefined,
      }),
    ),
  );
  api(
    'POST',
    '/console/api/view',
    act((actor, body) =>
      submitView(interactions, actor, String(body.viewId ?? ''), (body.values ?? {}) as ViewValues),
    ),
  );
  api(
    'POST',
    '/console/api/view-close',
    act(async (_actor, body) => {
      interactions.closeView(String(body.viewId ?? ''));
      return {};
    }),
  );
  api('POST', '/console/api/alert', async (_req, res) => {
    const answer = await fireAlert(baseUrl, deps.webhookSecret, demoAlert());
    sendJson(res, 200, answer);
  });
  api('POST', '/console/api/respond/*', async (req, res) => {
    const id = (req.url ?? '').split('?')[0]!.split('/').pop() ?? '';
    const target = responseTargets.get(id);
    const body = await readJson(req);
    if (!target || !body) return sendJson(res, 404, { ok: false, error: 'expired_url' });
    applyResponse(state, target, body);
    return sendJson(res, 200, { ok: true });
  });

  return {
    token,
    attach(url) {
      baseUrl = url;
      client = new SignedSlackClient(url, deps.signingSecret);
    },
    stop: () => live.stop(),
  };
}
