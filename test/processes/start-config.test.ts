import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs `src/main.ts` the way `npm start` does and returns what it printed and its exit code. */
function start(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('npm start in production', () => {
  it('stops with one message naming every bad setting, never a secret value, instead of local mode', () => {
    const secret = 'super-secret-signing-value-123';
    const { code, out } = start({
      NODE_ENV: 'production',
      SLACK_SIGNING_SECRET: secret,
      PORT: 'not-a-port',
      OPSBOT_CONFIG: 'opsbot.example.yml',
    });
    expect(code).toBe(78);
    expect(out).toContain('opsbot cannot start');
    expect(out).toContain('SLACK_BOT_TOKEN');
    expect(out).toContain('PORT');
    expect(out).not.toContain(secret);
    expect(out).not.toContain('local mode');
  });
});
