import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorkspaceState } from '../slack-emulator/state.ts';

/**
 * Server-sent events for the console: one `change` event whenever the emulated workspace gets or
 * edits a message or a modal (coalesced), so the page fetches the state again.
 */
export class LiveEvents {
  private readonly streams = new Set<ServerResponse>();
  private pending: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(state: WorkspaceState) {
    state.on('message', () => this.changed());
    state.on('view', () => this.changed());
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), 15_000).unref();
  }

  subscribe(req: IncomingMessage, res: ServerResponse) {
    if (this.stopped) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 1000\n\nevent: change\ndata: {}\n\n');
    this.streams.add(res);
    req.once('close', () => this.streams.delete(res));
  }

  changed() {
    if (this.pending || this.stopped) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.write('event: change\ndata: {}\n\n');
    }, 30);
  }

  stop() {
    this.stopped = true;
    clearInterval(this.keepAlive);
    clearTimeout(this.pending);
    for (const res of this.streams) res.end();
    this.streams.clear();
  }

  private write(text: string) {
    for (const res of this.streams) res.write(text);
  }
}
