import { describe, expect, it } from 'vitest';
import { shardProblemIn } from '../../src/store/cluster-health.ts';

// CLUSTER NODES lines: id address flags master ping pong epoch link slots.
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const SLOT = 6000;

describe('the Redis Cluster shard check behind /ready', () => {
  it('is healthy when the master of the slot has a connected replica', () => {
    const nodes = [
      `${A} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191`,
      `${B} 127.0.0.1:7001@17001 slave ${A} 0 0 1 connected`,
      `${C} 127.0.0.1:7002@17002 master - 0 0 2 connected 8192-16383`,
    ].join('\n');
    expect(shardProblemIn(nodes, SLOT)).toBeUndefined();
  });

  it("names the replica that is down in opsbot's shard", () => {
    const nodes = [
      `${A} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191`,
      `${B} 127.0.0.1:7001@17001 slave,fail ${A} 0 0 1 disconnected`,
    ].join('\n');
    expect(shardProblemIn(nodes, SLOT)).toBe("node 127.0.0.1:7001 of opsbot's shard is down");
  });

  it('names the old master that died after a failover, before it rejoined as a replica', () => {
    // B took the slots over (CLUSTER FAILOVER); A was killed while still a slotless master.
    const nodes = [
      `${B} 127.0.0.1:7001@17001 myself,master - 0 0 3 connected 0-8191`,
      `${A} 127.0.0.1:7000@17000 master,fail - 0 0 1 disconnected`,
      `${C} 127.0.0.1:7002@17002 master - 0 0 2 connected 8192-16383`,
    ].join('\n');
    expect(shardProblemIn(nodes, SLOT)).toBe(
      "the master of opsbot's slot (127.0.0.1:7001) has no replica; node 127.0.0.1:7000 (a master without slots) is down",
    );
  });

  it('says when no master serves the slot', () => {
    const nodes = `${C} 127.0.0.1:7002@17002 master - 0 0 2 connected 8192-16383`;
    expect(shardProblemIn(nodes, SLOT)).toBe(`no master serves slot ${SLOT}`);
  });
});
