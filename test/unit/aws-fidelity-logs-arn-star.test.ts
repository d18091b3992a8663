import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { regionalClients } from '../../src/aws/clients.ts';
import { logsAdapter } from '../../src/aws/logs.ts';

/**
 * DescribeLogGroups gives a log group two ARNs: `arn` ends in `:*`, `logGroupArn` does not, and
 * only the latter is accepted in `logGroupIdentifier` (FilterLogEvents) and `logGroupIdentifiers`
 * (StartLiveTail). Live tail already dropped the `:*`; search sent it as configured.
 */

const logs = mockClient(CloudWatchLogsClient);
afterEach(() => logs.reset());

describe('log search by ARN', () => {
  it('sends the ARN without the trailing :*', async () => {
    const identifiers: (string | undefined)[] = [];
    logs.on(FilterLogEventsCommand).callsFake((input: { logGroupIdentifier?: string }) => {
      identifiers.push(input.logGroupIdentifier);
      return {
        events: [
          {
            logStreamName: '2025/01/01/[$LATEST]abc',
            timestamp: 1,
            message: 'ERROR boom',
            ingestionTime: 2,
            eventId: '3855',
          },
        ],
        searchedLogStreams: [],
      };
    });
    const port = logsAdapter(regionalClients((c) => new CloudWatchLogsClient(c), 'us-east-1'));
    const events = [];
    for await (const e of port.search({
      logGroup: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/duck-api:*',
      start: 0,
      end: 10,
      limit: 10,
    }))
      events.push(e);
    expect(events.map((e) => e.message)).toEqual(['ERROR boom']);
    expect(identifiers).toEqual([
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/duck-api',
    ]);
  });
});
