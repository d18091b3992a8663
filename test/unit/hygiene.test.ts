import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError } from '../../src/config/load.ts';
import { loadConfig } from '../../src/registry/load-config.ts';

/** Finding 13: hygiene. */
describe('finding 13: hygiene', () => {
  it('finding 13: the manifest does not ask for the unused groups:write scope', () => {
    const manifest = parse(readFileSync('manifest.yml', 'utf8'));
    expect(manifest.oauth_config.scopes.bot).not.toContain('groups:write');
  });

  it('finding 13: OPSBOT_CONFIG is required under NODE_ENV=production', () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: 'abcdefghijk' };
    expect(() => loadConfig({ ...env, NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, NODE_ENV: 'production' })).toThrow(
      /OPSBOT_CONFIG: required when NODE_ENV=production/,
    );
    expect(loadConfig({ ...env }).file.slack.ops_channel).toBe('C0OPS');
    expect(
      loadConfig({ ...env, NODE_ENV: 'production', OPSBOT_CONFIG: 'opsbot.example.yml' }).file,
    ).toBeDefined();
  });
});
