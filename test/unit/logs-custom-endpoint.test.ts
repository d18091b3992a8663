import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customLogsEndpoint, logsAdapter, logsClients } from '../../src/aws/logs.ts';

/**
 * A CloudWatch Logs endpoint on this machine (as LocalStack or any AWS API emulator would be),
 * reached through AWS_ENDPOINT_URL. It records the Host header and target of every request, and
 * answers DescribeLogGroups in two pages (the wanted group is on the second) and StartLiveTail with
 * an empty event stream.
 */
interface Seen {
  host: string;
  target: string;
  body: Record<string, unknown>;
}

const GROUP = '/aws/lambda/api';
const ARN = 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/api';

async function readBody(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function logsEndpoint(seen: Seen[]): Server {
  return createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const body = await readBody(req);
    seen.push({ host: String(req.headers.host), target, body });
    if (target === 'DescribeLogGroups') {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      const page = body.nextToken
        ? { logGroups: [{ logGroupName: GROUP, arn: `${ARN}:*`, logGroupArn: ARN }] }
        : {
            logGroups: [
              {
                logGroupName: `${GROUP}-canary`,
                arn: `${ARN}-canary:*`,
                logGroupArn: `${ARN}-canary`,
              },
            ],
            nextToken: 'page-2',
          };
      res.end(JSON.stringify(page));
      return;
    }
    if (target === 'StartLiveTail') {
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
      res.end();
      return;
    }
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify({ __type: 'UnknownOperationException' }));
  });
}

describe('logs adapter with a custom endpoint (AWS_ENDPOINT_URL)', () => {
  let server: Server;
  let seen: Seen[];
  let endpoint: string;
  const saved = { ...process.env };

  beforeEach(async () => {
    seen = [];
    server = logsEndpoint(seen);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-key';
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS;
  });

  afterEach(async () => {
    process.env = { ...saved };
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends StartLiveTail to the endpoint itself, with no stream- host prefix', async () => {
    process.env.AWS_ENDPOINT_URL = endpoint;
    const logs = logsAdapter(logsClients('us-east-1'));
    const items = [];
    for await (const item of logs.startLiveTail!({
      logGroup: GROUP,
      region: 'us-east-1',
      signal: new AbortController().signal,
    }))
      items.push(item);
    const tail = seen.filter((s) => s.target === 'StartLiveTail');
    expect(tail).toHaveLength(1);
    const host = new URL(endpoint).host;
    expect(seen.map((s) => s.host)).toEqual(seen.map(() => host));
    expect(seen.some((s) => s.host.startsWith('stream-'))).toBe(false);
  });

  it('looks the log group up on every DescribeLogGroups page, not only the first', async () => {
    process.env.AWS_ENDPOINT_URL = endpoint;
    const logs = logsAdapter(logsClients('us-east-1'));
    for await (const _ of logs.startLiveTail!({
      logGroup: GROUP,
      region: 'us-east-1',
      signal: new AbortController().signal,
    })) {
    }
    const lookups = seen.filter((s) => s.target === 'DescribeLogGroups');
    expect(lookups.map((s) => s.body.nextToken)).toEqual([undefined, 'page-2']);
    expect(lookups[0]!.body.logGroupNamePrefix).toBe(GROUP);
    const tail = seen.find((s) => s.target === 'StartLiveTail');
    expect(tail?.body.logGroupIdentifiers).toEqual([ARN]);
  });

  it('keeps the host prefix for AWS itself (no custom endpoint set)', () => {
    expect(customLogsEndpoint({})).toBeUndefined();
    expect(customLogsEndpoint({ AWS_ENDPOINT_URL: endpoint })).toBe(endpoint);
    expect(customLogsEndpoint({ AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoint })).toBe(endpoint);
  });
});
