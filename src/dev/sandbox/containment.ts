import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { dynamoClients } from '../../aws/records.ts';
import { tfLocksAdapter } from '../../aws/tf-locks.ts';
import type { FileConfig } from '../../config/file.ts';
import { canonicalCidr } from '../../sdk/cidr.ts';
import type { AccessKeysPort, IdentityPort } from '../../sdk/ports/access-keys.ts';
import type { BlocklistRef, IpBlocklistsPort } from '../../sdk/ports/ip-blocklists.ts';
import type { TfLocksPort } from '../../sdk/ports/tf-locks.ts';
import type { PoolUserRef, UserPoolsPort } from '../../sdk/ports/user-pools.ts';

/**
 * Containment stand-ins for local mode: IAM keys, blocklists and Cognito users in memory, the
 * Terraform lock table on the local dynalite (the real adapter) with one stale lock. Nothing calls AWS.
 */

/** The demo key: `/ops disable-access-key AKIAIOSFODNN7EXAMPLE reason=demo deny_all=true`. */
export const SANDBOX_ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
/** The sandbox bot's own key: disabling it is refused, as with the real bot. */
export const SANDBOX_BOT_KEY = 'AKIAOPSBOTSANDBOX001';

export function sandboxAccessKeys() {
  const users: Record<
    string,
    { keys: Record<string, 'Active' | 'Inactive'>; policies: Set<string> }
  > = {
    'ci-deployer': { keys: { [SANDBOX_ACCESS_KEY]: 'Active' }, policies: new Set() },
    opsbot: { keys: { [SANDBOX_BOT_KEY]: 'Active' }, policies: new Set() },
  };
  const user = (name: string) => {
    const u = users[name];
    if (!u) throw new Error(`no IAM user ${name} in the sandbox`);
    return u;
  };
  const keys: AccessKeysPort = {
    async lastUsed(accessKeyId) {
      const owner = Object.entries(users).find(([, u]) => accessKeyId in u.keys)?.[0];
      return owner
        ? {
            accessKeyId,
            userName: owner,
            lastUsedAt: new Date(Date.now() - 600_000).toISOString(),
            service: 's3',
            region: 'us-east-1',
          }
        : undefined;
    },
    async status({ userName, accessKeyId }) {
      return users[userName]?.keys[accessKeyId];
    },
    async setStatus({ userName, accessKeyId, status }) {
      user(userName).keys[accessKeyId] = status;
    },
    async putDenyAll({ userName, policyName }) {
      user(userName).policies.add(policyName);
    },
    async removeInlinePolicy({ userName, policyName }) {
      return user(userName).policies.delete(policyName);
    },
  };
  const identity: IdentityPort = {
    async whoAmI() {
      return {
        account: '000000000000',
        arn: 'arn:aws:iam::000000000000:user/opsbot',
        userName: 'opsbot',
        accessKeyId: SANDBOX_BOT_KEY,
      };
    },
  };
  return { keys, identity, users };
}

/** Every blocklist target in memory: a WAF IP set or a network ACL's deny entries. */
export function sandboxBlocklists(): IpBlocklistsPort & { lists: Map<string, Set<string>> } {
  const lists = new Map<string, Set<string>>();
  const list = (t: BlocklistRef) => {
    const key = t.type === 'waf' ? `waf:${t.id}` : `nacl:${t.networkAclId}`;
    const set = lists.get(key) ?? new Set<string>();
    lists.set(key, set);
    return set;
  };
  return {
    lists,
    async list(t) {
      return [...list(t)].map(canonicalCidr);
    },
    async block(t, cidr) {
      if (list(t).has(cidr)) return { status: 'already_blocked' };
      list(t).add(cidr);
      return { status: 'blocked' };
    },
    async unblock(t, cidr) {
      return list(t).delete(cidr) ? { status: 'unblocked' } : { status: 'not_blocked' };
    },
  };
}

/** Every configured user pool holds `mallory` and `alice`, enabled. */
export function sandboxUserPools(): UserPoolsPort {
  const disabled = new Set<string>();
  const known = (u: PoolUserRef) => ['mallory', 'alice'].includes(u.username);
  const id = (u: PoolUserRef) => `${u.userPoolId}/${u.username}`;
  return {
    async get(u) {
      return known(u)
        ? { username: u.username, enabled: !disabled.has(id(u)), status: 'CONFIRMED' }
        : undefined;
    },
    async globalSignOut(u) {
      if (!known(u)) throw new Error(`no user ${u.username}`);
    },
    async disable(u) {
      disabled.add(id(u));
    },
    async enable(u) {
      disabled.delete(id(u));
    },
  };
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The real lock-table adapter on the local dynalite. Each `targets.tf_locks` table is created on
 * first start with one lock taken two hours ago by a CI runner, so `tf-lock show` has something to
 * show and `tf-lock release <ID>` something to release.
 */
export async function sandboxTfLocks(
  file: FileConfig,
  endpoint: string,
  region: string,
): Promise<{ port: TfLocksPort; stop(): void }> {
  const clients = dynamoClients(region, { endpoint, credentials: LOCAL_CREDENTIALS });
  const seedClient = new DynamoDBClient({ region, endpoint, credentials: LOCAL_CREDENTIALS });
  const tables = Object.values((file.targets as Record<string, unknown>).tf_locks ?? {}) as {
    table: string;
  }[];
  for (const { table } of tables) {
    try {
      await seedClient.send(
        new CreateTableCommand({
          TableName: table,
          KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ResourceInUseException') continue;
      throw error;
    }
    // dynalite (like DynamoDB) creates a table CREATING; writes before it is ACTIVE are refused.
    await waitUntilTableExists(
      { client: seedClient, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { TableName: table },
    );
    const path = `${table.replace(/-tf-locks$/, '')}-tf-state/terraform.tfstate`;
    await seedClient.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          LockID: { S: path },
          Info: {
            S: JSON.stringify({
              ID: '5b1c9a4e-2f3d-4e6a-8b7c-0d1e2f3a4b5c',
              Operation: 'OperationTypeApply',
              Info: '',
              Who: 'runner@ci-7f3a',
              Version: '1.9.8',
              Created: new Date(Date.now() - 2 * 3_600_000).toISOString(),
              Path: path,
            }),
          },
        },
      }),
    );
  }
  return {
    port: tfLocksAdapter(clients),
    stop() {
      seedClient.destroy();
      clients().destroy();
    },
  };
}
