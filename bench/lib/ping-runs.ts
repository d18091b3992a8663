import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';

/**
 * The example config with the per-member limits raised out of the way: a bench sends hundreds of
 * `/ops ping` as one member, past `requests_per_minute_per_user` (30) and `runs_in_flight_per_user`
 * (10), which would refuse them (and a bench that waits for their results would wait forever).
 * The worker limits (`*_runs_per_worker`) stay as shipped: they are part of what is measured.
 * Returns the path of the written file, for `OPSBOT_CONFIG`.
 */
export function pingBenchConfig(name: string): string {
  const config = parse(readFileSync('opsbot.example.yml', 'utf8')) as {
    limits?: Record<string, number>;
  };
  config.limits = {
    ...config.limits,
    runs_in_flight_per_user: 100_000,
    requests_per_minute_per_user: 1_000_000,
  };
  const path = join(tmpdir(), `opsbot-bench-${name}-${process.pid}.yml`);
  writeFileSync(path, stringify(config));
  return path;
}

interface EmulatedMessage {
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
}

/**
 * When each run of `/ops ping` has finished, from the Slack emulator's messages: the run message
 * (a top-level message whose context names `request req_…`, posted at once or, for a read-only run,
 * only at its end) and the result reply in its thread (`ping done`). Either may be seen first by a
 * listener, so both orders resolve. A refusal (`:no_entry:`, e.g. a limit) or no finish within
 * `timeoutMs` rejects, so a bench fails with the reason instead of waiting forever.
 */
export class PingFinishes {
  private readonly parentRequest = new Map<string, string>();
  private readonly replied = new Set<string>();
  private readonly waiters = new Map<
    string,
    { resolve: (at: number) => void; reject: (e: Error) => void }
  >();

  constructor(
    slack: SlackEmulator,
    private readonly timeoutMs = 30_000,
  ) {
    slack.state.on('message', (m: EmulatedMessage) => this.seen(m));
  }

  /** Resolves with `performance.now()` when the run of request `id` has posted its result. */
  finish(id: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`request ${id}: no result posted within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      this.waiters.set(id, {
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  private seen(m: EmulatedMessage) {
    if (m.text.startsWith(':no_entry:')) {
      for (const waiter of this.waiters.values()) waiter.reject(new Error(`refused: ${m.text}`));
      this.waiters.clear();
      return;
    }
    if (!m.thread_ts) {
      const id = /request (req_[0-9a-f]+)/.exec(JSON.stringify(m.blocks ?? []))?.[1];
      if (!id || this.parentRequest.has(m.ts)) return;
      this.parentRequest.set(m.ts, id);
      if (this.replied.delete(m.ts)) this.finished(id);
    } else if (m.text.includes('ping done')) {
      const id = this.parentRequest.get(m.thread_ts);
      if (id) this.finished(id);
      else this.replied.add(m.thread_ts);
    }
  }

  private finished(id: string) {
    const waiter = this.waiters.get(id);
    if (!waiter) return;
    this.waiters.delete(id);
    waiter.resolve(performance.now());
  }
}

/**
 * The Slack emulator a ping bench's bot talks to (#ops, alice, bot token `token`), started, with
 * the finishes of the runs it sees.
 */
export async function startPingSlack(token: string) {
  const slack = new SlackEmulator({ tokens: [token] });
  const slackUrl = await slack.start();
  slack.state.addChannel('C0OPS', 'ops');
  slack.state.addUser('U0ALICE', 'alice');
  return { slack, slackUrl, finishes: new PingFinishes(slack) };
}
