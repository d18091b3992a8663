import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/alerts/webhook.ts';
import { sendStatus, statusBody } from '../../src/maintenance/status-webhook.ts';

const SECRET = 'status-secret-0123456789abcdef';

/** A status page on a real local HTTP server: it answers what `answers` says, in turn. */
let server: Server;
let url = '';
let answers: number[] = [];
const seen: {
  verified: string | undefined;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ verified: verifyWebhook(SECRET, body, req.headers), body, headers: req.headers });
      res.writeHead(answers.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const window = {
  id: 'req_0123456789abcdef',
  service: 'drop',
  reason: 'db upgrade',
  by: 'U0ALICE',
  runId: 'run_0123456789abcdef',
  command: 'maintenance',
  startedAt: Date.parse('2026-12-01T14:00:00Z'),
  plannedEnd: Date.parse('2026-12-01T14:30:00Z'),
};

describe('status webhook', () => {
  it('signs every attempt and retries a 5xx until the status page takes it', async () => {
    seen.length = 0;
    answers = [503, 502, 204];
    const body = statusBody('maintenance.started', window);
    const sent = await sendStatus(url, SECRET, body, { pauseMs: 10 });
    expect(sent).toEqual({ ok: true, note: 'status page told (HTTP 204)' });
    expect(seen.map((s) => s.verified)).toEqual([undefined, undefined, undefined]);
    expect(JSON.parse(seen[0]!.body)).toEqual({
      event: 'maintenance.started',
      id: 'req_0123456789abcdef',
      service: 'drop',
      reason: 'db upgrade',
      started_at: '2026-12-01T14:00:00.000Z',
      planned_end: '2026-12-01T14:30:00.000Z',
    });
    // Signed with another secret, the receiver refuses it.
    expect(verifyWebhook('another-secret-0123456789', seen[0]!.body, seen[0]!.headers)).toBe(
      'x-opsbot-signature does not match',
    );
  });

  it('does not retry a 4xx, and says what the status page answered', async () => {
    seen.length = 0;
    answers = [400];
    const sent = await sendStatus(url, SECRET, statusBody('maintenance.started', window), {
      pauseMs: 10,
    });
    expect(sent).toEqual({ ok: false, note: 'status page answered HTTP 400' });
    expect(seen).toHaveLength(1);
  });
});
