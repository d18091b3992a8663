import { LambdaClient } from '@aws-sdk/client-lambda';
import { lambdaAdapter } from '../../aws/lambda.ts';
import type { FileConfig } from '../../config/file.ts';
import type { LambdaPort } from '../../sdk/ports/index.ts';
import { FakeLambda } from './lambda-api.ts';

/** Published versions every sandbox function has, and where its aliases point at start. */
export const SANDBOX_VERSIONS = ['41', '42', '43', '44'];
export const SANDBOX_ALIAS_VERSION = '42';
/** Where staging aliases point at start: the candidate verified there, so it may go to prod. */
export const SANDBOX_STAGING_VERSION = '43';

export interface SandboxLambda {
  port: LambdaPort;
  api: FakeLambda;
  stop(): Promise<void>;
}

/**
 * SANDBOX Lambda: every function named in the config's `targets.lambda`, held in memory by the
 * Lambda API double, reached through the real adapter (so the same wire calls are made). Aliases
 * start at 42, staging ones at 43 (verified there, so `promote <fn> 43` to prod passes the
 * staging check).
 */
export async function startSandboxLambda(file: FileConfig): Promise<SandboxLambda> {
  const api = new FakeLambda();
  for (const [name, target] of Object.entries(file.targets.lambda)) {
    const aliases = Object.fromEntries(
      Object.entries(target.aliases).map(([alias, environment]) => [
        alias,
        environment === 'staging' ? SANDBOX_STAGING_VERSION : SANDBOX_ALIAS_VERSION,
      ]),
    );
    api.addFunction(target.function_name ?? name, SANDBOX_VERSIONS, aliases);
  }
  const endpoint = await api.start();
  const clients = new Map<string, LambdaClient>();
  const port = lambdaAdapter((region = 'us-east-1') => {
    let client = clients.get(region);
    if (!client) {
      client = new LambdaClient({
        region,
        endpoint,
        maxAttempts: 1,
        credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
      });
      clients.set(region, client);
    }
    return client;
  });
  return {
    port,
    api,
    async stop() {
      for (const client of clients.values()) client.destroy();
      await api.stop();
    },
  };
}
