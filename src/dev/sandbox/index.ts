import { configured as tableHealth } from '../../../commands/table-health.ts';
import type { FileConfig } from '../../config/file.ts';
import type { Ports } from '../../sdk/ports/index.ts';
import { sandboxHttp } from './http.ts';
import { startSandboxLambda } from './lambda.ts';
import { SandboxLogs } from './logs.ts';
import { localDynamoPorts } from './records.ts';
import { SandboxSecrets } from './secrets.ts';
import { SandboxServices } from './services.ts';
import { sandboxTables } from './tables.ts';

/** The stand-ins for AWS that local mode uses, one per port; shown as SANDBOX in the console. */
export interface Sandbox {
  ports: Omit<Ports, 'deploys' | 'ledger'>;
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
    secrets: Object.values(file.targets.secrets).map((s) => ({
      secretId: s.secret_id,
      region: s.region,
      rotationLambdaArn: s.rotation_lambda,
    })),
  });
  const healthTables = tableHealth(file.targets).tables;
  const logGroups = Object.values(file.targets.logs ?? {}).map((t) => t.log_group);
  return {
    ports: {
      lambda: lambda.port,
      records: dynamo.records,
      tables: sandboxTables({
        describe: dynamo.describeTable,
        alarmingTable: healthTables[1] ?? healthTables[0],
      }),
      secrets,
      services: new SandboxServices({ rolloutMs: options.rolloutMs }),
      http: sandboxHttp(file),
      logs: new SandboxLogs({ logGroups }),
    },
    describe: {
      lambda: 'SANDBOX: aliases and versions (41–44) held in memory',
      records: `SANDBOX: records in the local dynalite (${options.dynamoEndpoint})`,
      tables: 'SANDBOX: DescribeTable on dynalite; metrics and alarms made up in memory',
      secrets: 'SANDBOX: secrets and their versions in memory (values never shown)',
      services: 'SANDBOX: ECS / App Runner deployments that roll out in a few seconds',
      http: 'SANDBOX: only the targets.endpoints URLs answer (one readiness check fails)',
      logs: 'SANDBOX: generated log lines, one a second, in the targets.logs groups',
    },
    async stop() {
      secrets.stop();
      dynamo.stop();
      await lambda.stop();
    },
  };
}
