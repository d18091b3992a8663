import { describe, expect, it } from 'vitest';
import { createRegistry, intakeText } from '../../src/intake/validate.ts';
import { createLogger } from '../../src/log.ts';
import { createMaintenance } from '../../src/maintenance/start.ts';
import { commands } from '../../src/registry/commands.ts';
import { maintenanceSchema } from '../../src/sdk/maintenance-config.ts';
import { keys } from '../../src/store/keys.ts';
import type { Redis } from '../../src/store/redis.ts';
import { exampleConfig } from '../helpers/harness.ts';

/** Typing `maintenance …`: bad input names what is wrong, and nothing is queued. */
describe('maintenance arguments', () => {
  const registry = createRegistry(commands);
  const targets = exampleConfig().targets;
  const problems = (line: string) => {
    const intake = intakeText(line, registry, targets);
    return intake.kind === 'invalid' ? intake.problems.map((p) => p.message) : intake.kind;
  };

  it('accepts a start of a configured service or all, and picks the prod policy (list: read-only)', () => {
    expect(
      intakeText('maintenance start drop duration=45m reason="db upgrade"', registry, targets),
    ).toMatchObject({
      kind: 'valid',
      args: { action: 'start', service: 'drop', duration: '45m', reason: 'db upgrade' },
      environment: 'prod',
    });
    expect(
      intakeText('maintenance start all reason="region failover"', registry, targets),
    ).toMatchObject({
      kind: 'valid',
      args: { service: 'all', duration: '30m' },
    });
    expect(intakeText('maintenance list', registry, targets)).toMatchObject({
      kind: 'valid',
      environment: 'read-only',
    });
  });

  it('refuses an unknown service, a missing reason and a duration out of range, naming each', () => {
    expect(problems('maintenance start nope reason="x y z"')).toEqual([
      'no maintenance config for nope (targets.maintenance; known: drop, or all)',
    ]);
    expect(problems('maintenance start drop')).toEqual(['required to start a window (reason="…")']);
    expect(problems('maintenance start drop duration=3d reason="long one"')).toEqual([
      'a duration from 1m to 24h, such as 30m or 2h (got "3d")',
    ]);
    expect(problems('maintenance end')).toEqual(['a service to end, or all']);
  });

  it('refuses `all` as a configured service name and a service that mutes nothing', () => {
    expect(maintenanceSchema.safeParse({ all: { alarm_names: ['*'] } }).success).toBe(false);
    const empty = maintenanceSchema.safeParse({ drop: {} });
    expect(empty.error?.issues[0]?.message).toBe(
      'give alarm_names (globs) or labels (matchers): the alerts a window mutes',
    );
  });

  it('does not start with a status_webhook and no OPSBOT_STATUS_WEBHOOK_SECRET to sign it', () => {
    const file = exampleConfig();
    (file.targets as Record<string, unknown>).maintenance = maintenanceSchema.parse({
      drop: {
        labels: { service: 'drop' },
        status_webhook: { url: 'https://status.example.com/h' },
      },
    });
    expect(() =>
      createMaintenance({
        redis: {} as Redis,
        keys: keys('t'),
        prefix: 't',
        file,
        registry,
        post: async () => {},
        audit: { append: () => {} } as never,
        log: createLogger('silent'),
      }),
    ).toThrow(/targets\.maintenance\.drop\.status_webhook needs OPSBOT_STATUS_WEBHOOK_SECRET/);
  });
});
