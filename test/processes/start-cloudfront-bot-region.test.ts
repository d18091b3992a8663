import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withCloudfrontTarget } from '../helpers/cloudfront-target.ts';
import { writeConfig } from '../helpers/processes.ts';

/**
 * `opsbot worker` the way the image runs it, with a CLOUDFRONT WAF target naming no region and a
 * bot region in aws-cn: it stops with the usual config message (exit 78), naming the target, the
 * region, the partition and the fix, and no stack trace.
 */

function start(role: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', role], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('opsbot worker in aws-cn with a CLOUDFRONT target naming no region', () => {
  it('exits 78 naming the target, region, partition and fix, without a stack trace', () => {
    const path = writeConfig(withCloudfrontTarget());
    const { code, out } = start('worker', {
      NODE_ENV: 'production',
      SLACK_BOT_TOKEN: 'xoxb-1-2',
      SLACK_SIGNING_SECRET: 'abcdefghijk',
      // Nothing answers here: the start is refused before Redis is asked.
      REDIS_URL: 'redis://127.0.0.1:1',
      OPSBOT_CONFIG: path,
      AWS_REGION: 'cn-north-1',
    });
    expect(code).toBe(78);
    expect(out).toContain('opsbot cannot start; fix these settings:');
    expect(out).toContain(
      `${path} targets.ip_blocklists.cdn.scope: WAF target cdn has scope CLOUDFRONT in cn-north-1 (aws-cn), the bot's region (env AWS_REGION)`,
    );
    expect(out).toContain('give the target a region in the aws partition');
    expect(out).toContain('or use scope REGIONAL with an IP set in cn-north-1');
    expect(out).not.toMatch(/^\s+at /m);
  });
});
