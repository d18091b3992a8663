import type { FileConfig } from '../../config/file.ts';
import type { AwsPorts } from '../../sdk/ports.ts';
import { startSandboxLambda } from './lambda.ts';

/** The in-memory stand-ins for AWS that local mode uses; shown as SANDBOX in the console. */
export interface Sandbox {
  ports: AwsPorts;
  /** One line per port for the console, e.g. `lambda: SANDBOX (in memory)`. */
  describe: Record<keyof AwsPorts, string>;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  file: FileConfig;
  /** dynalite's endpoint, for the ports backed by DynamoDB tables. */
  dynamoEndpoint?: string;
}

/**
 * Composes one sandbox per port (one file each in this folder). A new port adds one line here
 * and one file beside this one.
 */
export async function sandboxPorts(options: SandboxOptions): Promise<Sandbox> {
  const lambda = await startSandboxLambda(options.file);
  return {
    ports: { lambda: lambda.port },
    describe: { lambda: 'SANDBOX: aliases and versions held in memory' },
    async stop() {
      await lambda.stop();
    },
  };
}
