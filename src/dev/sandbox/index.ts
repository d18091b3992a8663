import { randomBytes } from 'node:crypto';
import { configured as tableHealth } from '../../../commands/table-health.ts';
import type { FileConfig } from '../../config/file.ts';
import type { Ports, ServiceRef } from '../../sdk/ports/index.ts';
import { sandboxAdminApi } from './admin-api.ts';
import {
  sandboxAccessKeys,
  sandboxBlocklists,
  sandboxTfLocks,
  sandboxUserPools,
} from './containment.ts';
import { sandboxEmail } from './email.ts';
import { sandboxHttp } from './http.ts';
import { SandboxImages } from './images.ts';
import { startSandboxLambda } from './lambda.ts';
import { SandboxLogs } from './logs.ts';
import { SandboxRds } from './rds.ts';
import { localDynamoPorts } from './records.ts';
import { sandboxRepoFiles } from './repo-files.ts';
import { SandboxSecrets } from './secrets.ts';
import { sandboxServiceStatus } from './service-status.ts';
import { SandboxServices } from './services.ts';
import { sandboxTables } from './tables.ts';

/** The stand-ins for AWS that local mode uses, one per port; shown as SANDBOX in the console. */
export interface Sandbox {
  ports: Omit<Ports, 'deploys' | 'ledger' | 'containment' | 'blocks'>;
  /** One line per port for the console, e.g. `lambda: SANDBOX: aliases … in memory`. */
  describe: Partial<Record<keyof Ports, string>>;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  file: FileConfig;
  /** dynalite's endpoint, for records and DescribeTable. */
  dynamoEndpoint: string;
  region: string;
  /** Shorter rollouts and rotations for tests. */
  rolloutMs?: number;
  rotationMs?: number;
}

/**
 * Each `targets.databases` entry's `password_secret` as a connection URL (what rotate-db-password
 * changes the password part of), so the rotation can be clicked through in local mode. The
 * password is random and never shown.
 */
function databaseUrlSecrets(file: FileConfig) {
  const databases = ((file.targets as Record<string, unknown>).databases ?? {}) as Record<
    string,
    { instance_id?: string; cluster_id?: string; region?: string; password_secret?: string }
  >;
  return Object.values(databases)
    .filter((d) => d.password_secret)
    .map((d) => ({
      secretId: d.password_secret!,
      region: d.region,
      value: () =>
        `postgres://opsbot_sandbox:${randomBytes(18).toString('base64url')}@${d.instance_id ?? d.cluster_id}.sandbox.local:5432/app`,
    }));
}

/**
 * Composes one sandbox per port (one file each in this folder). A new port adds a line here and
 * a file beside this one. Nothing here calls AWS.
 */
export async function sandboxPorts(options: SandboxOptions): Promise<Sandbox> {
  const { file, region } = options;
  const lambda = await startSandboxLambda(file);
  const dynamo = localDynamoPorts(options.dynamoEndpoint, region);
  const secrets = new SandboxSecrets({
    region,
    rotationMs: options.rotationMs,
    secrets: [
      ...Object.values(file.targets.secrets).map((s) => ({
        secretId: s.secret_id,
        region: s.region,
        rotationLambdaArn: s.rotation_lambda,
      })),
      ...databaseUrlSecrets(file),
    ],
  });
  const healthTables = tableHealth(file.targets).tables;
  const logGroups = Object.values(file.targets.logs ?? {}).map((t) => t.log_group);
  const services = new SandboxServices({ rolloutMs: options.rolloutMs });
  const deploys = ((file.targets as Record<string, unknown>).deploys ?? {}) as Record<
    string,
    { repository?: string }
  >;
  const repositoryOf = (ref: ServiceRef) => {
    const name = Object.entries(file.targets.services).find(([, t]) =>
      t.type === 'ecs' && ref.type === 'ecs'
        ? t.cluster === ref.cluster && t.service === ref.service
        : t.type === 'apprunner' && ref.type === 'apprunner' && t.service_arn === ref.serviceArn,
    )?.[0];
    return name ? deploys[name]?.repository : undefined;
  };
  const iam = sandboxAccessKeys();
  const tfLocks = await sandboxTfLocks(file, options.dynamoEndpoint, region);
  return {
    ports: {
      lambda: lambda.port,
      records: dynamo.records,
      tables: sandboxTables({
        describe: dynamo.describeTable,
        alarmingTable: healthTables[1] ?? healthTables[0],
      }),
      secrets,
      services,
      images: new SandboxImages(services, repositoryOf),
      rds: new SandboxRds({ snapshotMs: options.rolloutMs }),
      serviceStatus: sandboxServiceStatus(),
      http: sandboxHttp(file),
      logs: new SandboxLogs({ logGroups }),
      accessKeys: iam.keys,
      identity: iam.identity,
      ipBlocklists: sandboxBlocklists(),
      userPools: sandboxUserPools(),
      tfLocks: tfLocks.port,
      adminApi: sandboxAdminApi(file, dynamo.records),
      email: sandboxEmail(),
      repoFiles: sandboxRepoFiles(),
    },
    describe: {
      lambda: 'SANDBOX: aliases and versions (41–44) held in memory',
      records: `SANDBOX: records in the local dynalite (${options.dynamoEndpoint})`,
      tables: 'SANDBOX: DescribeTable on dynalite; metrics and alarms made up in memory',
      secrets:
        'SANDBOX: secrets and their versions in memory (values never shown); database password_secrets hold a postgres:// URL',
      services: 'SANDBOX: ECS / App Runner deployments that roll out in a few seconds',
      serviceStatus:
        'SANDBOX: every ECS service steady (2/2 tasks), every App Runner service RUNNING',
      http: 'SANDBOX: only the targets.endpoints URLs answer (one readiness check fails)',
      logs: 'SANDBOX: generated log lines, one a second, in the targets.logs groups',
      images: 'SANDBOX: ECR repositories with tags v41, v42 (= latest); services start on v41',
      rds: 'SANDBOX: available databases with a 5 h old automated snapshot; snapshots finish in seconds',
      accessKeys: 'SANDBOX: IAM user ci-deployer with key AKIAIOSFODNN7EXAMPLE, in memory',
      identity: 'SANDBOX: the bot is IAM user opsbot (its own key is refused)',
      ipBlocklists: 'SANDBOX: every targets.ip_blocklists WAF IP set / network ACL in memory',
      userPools: 'SANDBOX: users mallory and alice in every targets.user_pools pool, in memory',
      tfLocks: 'SANDBOX: targets.tf_locks tables on dynalite, each with one stale lock',
      adminApi:
        'SANDBOX: Mission Control POST /beak/admin (rotate_key, revoke_connection, expire_cert) on the dynalite records',
      email: 'SANDBOX: SES v2 SendEmail answered with a message id; nothing is delivered',
      repoFiles: 'SANDBOX: GitHub contents API appends to files kept in memory',
    },
    async stop() {
      secrets.stop();
      dynamo.stop();
      tfLocks.stop();
      await lambda.stop();
    },
  };
}
