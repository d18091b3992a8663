import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribePendingMaintenanceActionsCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { regionalClients } from '../../src/aws/clients.ts';
import { rdsAdapter } from '../../src/aws/rds.ts';

/**
 * DescribePendingMaintenanceActions pages with `Marker` (MaxRecords 20–100, default 100): a page
 * may hold fewer records than asked, even none, while `Marker` is set; only a response without
 * `Marker` is the last one.
 */

const rds = mockClient(RDSClient);
afterEach(() => rds.reset());

const ARN = 'arn:aws:rds:us-east-1:123456789012:db:duck-db';

describe('pending maintenance is read page by page', () => {
  it('follows Marker through an empty page to the actions on the last page', async () => {
    const markers: (string | undefined)[] = [];
    rds.on(DescribePendingMaintenanceActionsCommand).callsFake((input: { Marker?: string }) => {
      markers.push(input.Marker);
      if (!input.Marker) return { PendingMaintenanceActions: [], Marker: 'page-2' };
      return {
        PendingMaintenanceActions: [
          {
            ResourceIdentifier: ARN,
            PendingMaintenanceActionDetails: [
              {
                Action: 'system-update',
                Description: 'New Operating System update is available',
                AutoAppliedAfterDate: new Date('2030-01-05T00:00:00Z'),
              },
            ],
          },
        ],
      };
    });
    const port = rdsAdapter({
      rds: regionalClients((c) => new RDSClient(c), 'us-east-1'),
      cloudwatch: regionalClients((c) => new CloudWatchClient(c), 'us-east-1'),
    });
    const actions = await port.pendingMaintenance({ kind: 'instance', id: 'duck-db' });
    expect(markers).toEqual([undefined, 'page-2']);
    expect(actions).toEqual([
      {
        action: 'system-update',
        description: 'New Operating System update is available',
        autoAppliedAfter: '2030-01-05T00:00:00.000Z',
      },
    ]);
  });
});
