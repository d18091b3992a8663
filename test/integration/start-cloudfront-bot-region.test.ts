import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config/env.ts';
import { ConfigError } from '../../src/config/load.ts';
import { type Role, startOpsbot } from '../../src/roles/start.ts';
import { withCloudfrontTarget } from '../helpers/cloudfront-target.ts';
import { startHarness } from '../helpers/harness.ts';

/**
 * A CLOUDFRONT WAF target naming no region runs in the bot's region (env AWS_REGION). On a bot in
 * aws-cn or aws-us-gov there is no CLOUDFRONT IP set to call, so a role that runs commands (worker,
 * all) refuses to start, rather than block-ip failing at plan time during an incident. The web
 * role plans and runs nothing and starts.
 */

function start(role: Role, region: string) {
  const env = envSchema.parse({
    SLACK_BOT_TOKEN: 'xoxb-1-2',
    SLACK_SIGNING_SECRET: 'abcdefghijk',
    // Nothing answers here: a refused start never reaches Redis.
    REDIS_URL: 'redis://127.0.0.1:1',
    OPSBOT_CONFIG: 'ops.yml',
    AWS_REGION: region,
    LOG_LEVEL: 'silent',
  });
  return startOpsbot({ config: { env, file: withCloudfrontTarget() }, role });
}

describe('a CLOUDFRONT WAF target with no region at start-up', () => {
  it.each([
    ['worker', 'cn-north-1', 'aws-cn'],
    ['all', 'cn-north-1', 'aws-cn'],
    ['worker', 'us-gov-west-1', 'aws-us-gov'],
    ['all', 'us-gov-east-1', 'aws-us-gov'],
  ] as const)('the %s role in %s (%s) does not start', async (role, region, partition) => {
    const started = start(role, region);
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    const error = (await started.catch((e: unknown) => e)) as ConfigError;
    expect(error.message).toContain('opsbot cannot start');
    expect(error.problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^ops\\.yml targets\\.ip_blocklists\\.cdn\\.scope: WAF target cdn has scope CLOUDFRONT in ${region} \\(${partition}\\), the bot's region \\(env AWS_REGION\\)`,
        ),
      ),
    ]);
    expect(error.problems[0]).toContain(
      `give the target a region in the aws partition (its IP set is then called in us-east-1, which the bot's credentials must reach) or use scope REGIONAL with an IP set in ${region}`,
    );
  });

  it('a worker in us-east-1 (aws) starts with the same config', async () => {
    const h = await startHarness({
      role: 'worker',
      file: withCloudfrontTarget(),
      env: { AWS_REGION: 'us-east-1' },
    });
    try {
      expect(h.bot.port).toBeGreaterThan(0);
    } finally {
      await h.stop();
    }
  });

  it('the web role in cn-north-1 starts: it plans and runs nothing', async () => {
    const h = await startHarness({
      role: 'web',
      file: withCloudfrontTarget(),
      env: { AWS_REGION: 'cn-north-1' },
    });
    try {
      expect(h.bot.port).toBeGreaterThan(0);
    } finally {
      await h.stop();
    }
  });
});
