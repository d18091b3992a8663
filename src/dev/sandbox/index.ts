import { awsPorts } from '../../aws/ports.ts';
import { dynamoClients, recordsAdapter } from '../../aws/records.ts';
import type { FileConfig } from '../../config/file.ts';
import type { AwsPorts } from '../../sdk/ports.ts';
import { startSandboxLambda } from './lambda.ts';

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The in-memory stand-ins for AWS that local mode uses; shown as SANDBOX in the console. */
export interface Sandbox {
  ports: Omit<AwsPorts, 'deploys'>;
  /** One line per port for the console, e.g. `lambda: SANDBOX (in memory)`. */
  describe: Partial<Record<keyof AwsPorts, string>>;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  file: FileConfig;
  /** dynalite's endpoint, for the ports backed by DynamoDB tables. */
  dynamoEndpoint?: string;
  region: string;
}

/**
 * Composes one sandbox per port (one file each in this folder). A new port adds one line here
 * and one file beside this one.
 */
export async function sandboxPorts(options: SandboxOptions): Promise<Sandbox> {
  const lambda = await startSandboxLambda(options.file);
  // Ports with no sandbox yet use the real adapters (records on the local dynalite).
  const real = awsPorts(options.region, {
    deploys: { record: async () => {}, list: async () => [] },
  });
  const { deploys: _unused, ...rest } = real;
  return {
    ports: {
      ...rest,
      lambda: lambda.port,
      ...(options.dynamoEndpoint
        ? {
            records: recordsAdapter(
              dynamoClients(options.region, {
                endpoint: options.dynamoEndpoint,
                credentials: LOCAL_CREDENTIALS,
              }),
            ),
          }
        : {}),
    },
    describe: {
      lambda: 'SANDBOX: aliases and versions held in memory',
      ...(options.dynamoEndpoint ? { records: 'SANDBOX: records in the local dynalite' } : {}),
    },
    async stop() {
      await lambda.stop();
    },
  };
}
