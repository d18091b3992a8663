import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';

describe('/ops intake over signed HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.stop());

  const ephemeralText = (json: Record<string, unknown> | undefined) => {
    expect(json?.response_type).toBe('ephemeral');
    return String(json?.text);
  };

  it('rejects a forged signature with 401 and queues nothing', async () => {
    const response = await h.client.command('promote mission-control-api 43', USERS.alice, {
      signature: `v0=${'0'.repeat(64)}`,
    });
    expect(response.status).toBe(401);
    expect(await h.jobCount()).toBe(0);
  });

  it('rejects a stale timestamp (over 5 minutes) with 401 and queues nothing', async () => {
    const response = await h.client.command('promote mission-control-api 43', USERS.alice, {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(response.status).toBe(401);
    expect(await h.jobCount()).toBe(0);
  });

  it('answers an unknown command with the closest names', async () => {
    const response = await h.client.command('promot mission-control-api 43', USERS.alice);
    expect(response.status).toBe(200);
    const text = ephemeralText(response.json);
    expect(text).toContain('no command `promot`');
    expect(text).toContain('`promote`');
    expect(await h.jobCount()).toBe(0);
  });

  it('names each bad field and the expected form, and queues nothing', async () => {
    const response = await h.client.command('promote nosuch-fn 4x3 colour=blue', USERS.alice);
    const text = ephemeralText(response.json);
    expect(text).toContain('`colour`: unknown argument');
    const second = await h.client.command('promote nosuch-fn 4x3', USERS.alice);
    const secondText = ephemeralText(second.json);
    expect(secondText).toContain(
      '`version`: a published version number such as 43 or v43 (got "4x3")',
    );
    const third = await h.client.command('promote nosuch-fn 43', USERS.alice);
    expect(ephemeralText(third.json)).toContain(
      'no Lambda target named nosuch-fn (known: mission-control-api)',
    );
    expect(await h.jobCount()).toBe(0);
  });

  it('reports an unclosed quote as a syntax problem', async () => {
    const response = await h.client.command('promote mission-control-api "43', USERS.alice);
    expect(ephemeralText(response.json)).toContain('a quote is not closed');
    expect(await h.jobCount()).toBe(0);
  });

  it('lists every command for /ops help and explains one command', async () => {
    const index = ephemeralText((await h.client.command('help', USERS.alice)).json);
    for (const name of h.bot.registry.commands.map((c) => c.name))
      expect(index).toContain(`\`${name}\``);
    const promote = ephemeralText((await h.client.command('help promote', USERS.alice)).json);
    expect(promote).toContain('/ops promote <function> <version> [alias=…]');
    expect(promote).toContain('`version`');
    expect(promote).toContain('prod: requested by operators; 1 approval from t-josh');
  });

  it('answers /health and /ready with one entry per check', async () => {
    expect((await fetch(`${h.baseUrl}/health`)).status).toBe(200);
    const ready = await fetch(`${h.baseUrl}/ready`);
    const body = (await ready.json()) as { checks: Record<string, { ok: boolean }> };
    expect(Object.keys(body.checks).sort()).toEqual(['redis', 'slack', 'worker']);
    expect(ready.status).toBe(200);
  });
});

describe('/metrics', () => {
  it('exposes ack latency, runs and Slack call counters in Prometheus format', async () => {
    const h = await startHarness();
    try {
      await h.client.command('ping', USERS.alice);
      await h.client.command('ping now', USERS.alice);
      await waitFor('the ping run to finish', () =>
        h.slack.state
          .channelMessages('C0OPS')
          .some((m) => m.thread_ts && m.text.includes('ping done')),
      );
      // The result reply is posted from inside the job; the worker counts the run when the job
      // returns, which can be just after the reply appeared.
      const runCounted = /opsbot_runs_total\{command="ping",status="done"\} [1-9]/;
      await waitFor('the ping run to be counted', async () =>
        runCounted.test(await (await fetch(`${h.baseUrl}/metrics`)).text()),
      );
      const response = await fetch(`${h.baseUrl}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toMatch(/opsbot_ack_latency_seconds_count\{kind="slack"\} [1-9]/);
      expect(text).toMatch(/opsbot_runs_total\{command="ping",status="done"\} [1-9]/);
      expect(text).toMatch(/opsbot_requests_total\{command="ping",outcome="queued"\} [1-9]/);
      expect(text).toMatch(/opsbot_requests_total\{command="ping",outcome="invalid"\} [1-9]/);
      expect(text).toMatch(
        /opsbot_slack_api_calls_total\{method="chat.postMessage",result="ok"\} [1-9]/,
      );
      expect(text).toContain('opsbot_process_resident_memory_bytes');
      expect(text).not.toContain('xoxb-');
    } finally {
      await h.stop();
    }
  });
});
