import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * Runs a script in a fresh Node process (the test runner has loaded AWS packages of its own) and
 * returns the AWS SDK client packages in its CommonJS module cache, before and after `calls`.
 */
function sdkPackagesLoaded(calls: string): { before: string[]; after: string[] } {
  const script = `
    import { createRequire } from 'node:module';
    import { awsAdapters } from './src/aws/adapters.ts';
    const loaded = () => [...new Set(Object.keys(createRequire(import.meta.url).cache)
      .map((f) => /node_modules\\/@aws-sdk\\/(client-[a-z0-9-]+|lib-dynamodb)\\//.exec(f)?.[1])
      .filter(Boolean))].sort();
    const aws = awsAdapters('us-east-1', { deploys: { record: async () => {}, list: async () => [] } });
    const before = loaded();
    ${calls}
    console.log(JSON.stringify({ before, after: loaded() }));
  `;
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      env: {
        ...process.env,
        // Nothing may reach AWS: an endpoint that refuses at once, and no retries worth waiting for.
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_MAX_ATTEMPTS: '1',
      },
      encoding: 'utf8',
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

describe('AWS adapters load their SDK clients on first use', { timeout: 60_000 }, () => {
  it('building every port loads no AWS SDK client package', () => {
    expect(sdkPackagesLoaded('').before).toEqual([]);
  });

  it("a port's first call loads its own client packages and no others", () => {
    const { before, after } = sdkPackagesLoaded(
      `await aws.lambda.getAlias({ functionName: 'f', alias: 'live' }).catch(() => {});`,
    );
    expect(before).toEqual([]);
    expect(after).toEqual(['client-lambda']);
  });

  it('a streaming port (log search) loads on its first iteration', () => {
    const { after } = sdkPackagesLoaded(`
      const events = aws.logs.search({ logGroup: 'g', start: 0, end: 1, limit: 1 });
      try { for await (const _ of events) break; } catch {}`);
    expect(after).toEqual(['client-cloudwatch-logs']);
  });
});
