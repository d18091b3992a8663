import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordActions } from '../../commands/lib/record-actions.ts';
import revokeConnection from '../../commands/revoke-connection.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { type Dynalite, startDynalite } from '../helpers/dynalite.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { runbookPorts } from '../helpers/runbook-ports.ts';
import { stepContext } from '../helpers/step-context.ts';

/**
 * Playbook 3 steps 1 and 4 on dynalite: `spaceduck=<id>` resolved through the connections
 * table's index, the plan naming the duckling, and after the revoke the spaceduck removed from the
 * duckling's bonded list by a conditional UpdateItem (`via: dynamodb`).
 */

const DUCKLINGS = 'spaceduck-ducklings';
const CONNECTIONS = 'spaceduck-connections';
const INDEX = 'spaceduck_id-index';

let db: Dynalite;
let targets: FileConfig['targets'];

beforeAll(async () => {
  db = await startDynalite({ [DUCKLINGS]: 'duckling_id' });
  await db.client.send(
    new CreateTableCommand({
      TableName: CONNECTIONS,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'connection_id', AttributeType: 'S' },
        { AttributeName: 'spaceduck_id', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'connection_id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: INDEX,
          KeySchema: [{ AttributeName: 'spaceduck_id', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await db.tableActive(CONNECTIONS);
});
afterAll(async () => {
  await db.stop();
});
beforeEach(() => {
  targets = exampleConfig().targets;
  targets.record_actions = { ...recordActions(targets), spaceduck_index: INDEX };
});

let n = 0;
const uniqueId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${n++}`;

async function world(connectionStatus = 'ACTIVE') {
  const duckling = uniqueId('dk');
  const spaceduck = uniqueId('sd');
  const connection = uniqueId('conn');
  await db.put(DUCKLINGS, {
    duckling_id: duckling,
    status: 'ACTIVE',
    bonded: ['sd_other_1', spaceduck, 'sd_other_2'],
  });
  await db.put(CONNECTIONS, {
    connection_id: connection,
    spaceduck_id: spaceduck,
    duckling_id: duckling,
    status: connectionStatus,
  });
  return { duckling, spaceduck, connection };
}

const revoke = (args: Record<string, string>) =>
  stepContext({ command: revokeConnection, args, ports: runbookPorts(db.records), targets });

describe('revoke-connection spaceduck=<id> on dynalite', () => {
  it('resolves the connection by index, names the duckling in the plan, revokes it and removes the spaceduck from the bonded list', async () => {
    const w = await world();
    const run = revoke({ spaceduck: w.spaceduck, reason: 'abusive pulses' });
    expect(revokeConnection.validate!(run.ctx.args, targets)).toEqual([]);
    const results = await run.runAll();
    expect(run.ctx.plan!.summary).toBe(
      `connection ${w.connection} (duckling ${w.duckling}, spaceduck ${w.spaceduck}): ACTIVE → REVOKED`,
    );
    expect(run.ctx.plan!.facts.connection_id).toBe(w.connection);
    expect(await db.get(CONNECTIONS, { connection_id: w.connection })).toMatchObject({
      status: 'REVOKED',
      reason: 'abusive pulses',
    });
    expect(results['bonded-list']).toMatchObject({ absent: true, removed: true });
    expect((await db.get(DUCKLINGS, { duckling_id: w.duckling }))!.bonded).toEqual([
      'sd_other_1',
      'sd_other_2',
    ]);
    expect(run.captured.progress).toContain(
      `✓ removed spaceduck ${w.spaceduck} from duckling ${w.duckling}'s bonded list`,
    );
  });

  it('removes the right element when the list changed between the read and the write', async () => {
    const w = await world();
    const ports = runbookPorts(db.records);
    const realUpdate = ports.records.update;
    let raced = false;
    ports.records.update = async (input) => {
      if (input.removeAt && !raced) {
        raced = true;
        // Someone else prepends a spaceduck: the element at the read index is no longer ours.
        const now = await db.get(DUCKLINGS, { duckling_id: w.duckling });
        await db.put(DUCKLINGS, { ...now, bonded: ['sd_new', ...(now!.bonded as string[])] });
      }
      return realUpdate(input);
    };
    const run = stepContext({
      command: revokeConnection,
      args: { connection_id: w.connection, reason: 'abusive pulses' },
      ports,
      targets,
    });
    await run.runAll();
    expect(raced).toBe(true);
    expect((await db.get(DUCKLINGS, { duckling_id: w.duckling }))!.bonded).toEqual([
      'sd_new',
      'sd_other_1',
      'sd_other_2',
    ]);
  });

  it('an already revoked connection plans "nothing to change" (no approval) and the run changes nothing', async () => {
    const w = await world('REVOKED');
    const run = revoke({ spaceduck: w.spaceduck, reason: 'again' });
    const results = await run.runAll();
    expect(run.ctx.plan).toMatchObject({ unchanged: true });
    expect(run.ctx.plan!.summary).toContain('already REVOKED; nothing to change');
    expect(results.revoke).toMatchObject({ alreadyRevoked: true });
    expect(run.captured.records.map((r) => r.event)).toEqual(['operator.note']);
  });

  it('refuses a spaceduck with two live connections, naming both', async () => {
    const w = await world();
    const second = uniqueId('conn');
    await db.put(CONNECTIONS, {
      connection_id: second,
      spaceduck_id: w.spaceduck,
      duckling_id: w.duckling,
      status: 'ACTIVE',
    });
    const run = revoke({ spaceduck: w.spaceduck, reason: 'abusive pulses' });
    await expect(revokeConnection.plan!(run.ctx)).rejects.toMatchObject({
      code: 'ambiguous_spaceduck',
    });
    await expect(revokeConnection.plan!(run.ctx)).rejects.toThrow(second);
  });

  it('asks for the connection or the spaceduck, not both or neither', () => {
    const both = revokeConnection.args.parse({
      connection_id: 'c1',
      spaceduck: 's1',
      reason: 'xyz',
    });
    expect(revokeConnection.validate!(both, targets)[0]!.message).toContain('not both');
    const neither = revokeConnection.args.parse({ reason: 'xyz' });
    expect(revokeConnection.validate!(neither, targets)).toHaveLength(1);
  });
});
