import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.ts';
import { loadConfig } from '../../src/registry/load-config.ts';

function configFile(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-config-'));
  const path = join(dir, 'opsbot.yml');
  writeFileSync(path, text);
  return path;
}

describe('loadConfig', () => {
  it('loads the committed example', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1-2',
      SLACK_SIGNING_SECRET: 'abcdefghijk',
      OPSBOT_CONFIG: 'opsbot.example.yml',
    });
    expect(config.file.slack.ops_channel).toBe('C0OPS');
    expect(config.env.PORT).toBe(3000);
    expect(config.env.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it("turns promote's staging check on for a Lambda target that does not say", () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1-2',
      SLACK_SIGNING_SECRET: 'abcdefghijk',
      OPSBOT_CONFIG: configFile(
        'slack:\n  ops_channel: C0OPS\ntargets:\n  lambda:\n    api: { aliases: { prod: prod, staging: staging } }\n    batch: { verify_staging: false }\n',
      ),
    });
    expect(config.file.targets.lambda.api!.verify_staging).toBe(true);
    expect(config.file.targets.lambda.batch!.verify_staging).toBe(false);
  });

  it('names every bad field in one message and never shows a secret value', () => {
    const path = configFile(
      'slack:\n  ops_channel: ops\npolicies:\n  promote:\n    prod:\n      approver_groups: [ghosts]\n',
    );
    const secret = 'bad-token-value-5f3c9a';
    let error: unknown;
    try {
      loadConfig({
        SLACK_BOT_TOKEN: secret,
        PORT: 'eighty',
        OPSBOT_CONFIG: path,
        REDIS_URL: 'http://nope',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('SLACK_BOT_TOKEN');
    expect(message).toContain('PORT');
    expect(message).toContain('REDIS_URL');
    expect(message).not.toContain(secret);
  });

  it('reports problems in the YAML file with their paths', () => {
    const path = configFile(
      'slack:\n  ops_channel: ops\npolicies:\n  promote:\n    prod:\n      approver_groups: [ghosts]\n',
    );
    let message = '';
    try {
      loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 'abcdefghijk',
        OPSBOT_CONFIG: path,
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('slack.ops_channel: a Slack channel id');
  });

  it('reports a group a policy names but the file does not define', () => {
    const path = configFile(
      'slack:\n  ops_channel: C0OPS\npolicies:\n  promote:\n    prod:\n      approver_groups: [ghosts]\n',
    );
    expect(() =>
      loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 'abcdefghijk',
        OPSBOT_CONFIG: path,
      }),
    ).toThrow('policies.promote.prod: unknown group "ghosts"');
  });

  it('reports an on-call group that is not defined in groups', () => {
    const path = configFile(
      'slack:\n  ops_channel: C0OPS\ngroups:\n  oncall: { users: [U0JOSH] }\nalerts:\n  oncall_group: on-call\n',
    );
    expect(() =>
      loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 'abcdefghijk',
        OPSBOT_CONFIG: path,
      }),
    ).toThrow('alerts.oncall_group: unknown group "on-call"');
    const fixed = configFile(
      'slack:\n  ops_channel: C0OPS\ngroups:\n  oncall: { users: [U0JOSH] }\nalerts:\n  oncall_group: oncall\n',
    );
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'abcdefghijk',
      OPSBOT_CONFIG: fixed,
    });
    expect(config.file.alerts?.oncall_group).toBe('oncall');
  });

  it('requires a signing secret in HTTP mode but not in Socket Mode', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow('SLACK_SIGNING_SECRET');
    expect(
      loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).env.SLACK_APP_TOKEN,
    ).toBe('xapp-1');
  });
});
