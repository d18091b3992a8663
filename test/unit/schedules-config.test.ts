import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config/env.ts';
import { ConfigError } from '../../src/config/load.ts';
import { createRegistry } from '../../src/intake/validate.ts';
import { commands } from '../../src/registry/commands.ts';
import { startOpsbot } from '../../src/roles/start.ts';
import { scheduleProblems } from '../../src/schedules/problems.ts';
import { exampleConfig, REDIS_URL } from '../helpers/harness.ts';

const registry = createRegistry(commands);

function fileWith(schedules: Record<string, unknown>, checklists: Record<string, unknown> = {}) {
  const file = exampleConfig();
  const parsed = (
    [
      ['schedules', schedules],
      ['checklists', checklists],
    ] as const
  ).map(([k, v]) => [k, v] as const);
  for (const [k, v] of parsed) (file as Record<string, unknown>)[k] = v;
  return file;
}

const schedule = (command: string) => ({
  cron: '0 8 * * *',
  timezone: 'UTC',
  command,
  enabled: true,
});

describe('schedules and checklists in the config', () => {
  it('refuses a mutating command in a schedule, naming the schedule and why', () => {
    const problems = scheduleProblems(
      fileWith({ nightly: schedule('restart drop') }),
      registry,
      'opsbot.yml',
    );
    expect(problems).toEqual([
      'opsbot.yml schedules.nightly.command: `restart` changes things (it is not read-only); only read-only commands may be scheduled or used as checks',
    ]);
  });

  it('refuses at start: the bot does not come up with a mutating schedule', async () => {
    const env = envSchema.parse({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret-secret-secret',
      REDIS_URL,
      OPSBOT_CONFIG: 'opsbot.yml',
    });
    const started = startOpsbot({
      config: { env, file: fileWith({ nightly: schedule('rotate-secret jwt-secret') }) },
      role: 'worker',
    });
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(
      /schedules\.nightly\.command: `rotate-secret` changes things/,
    );
  });

  it('names unknown commands, bad arguments, missing checklists and checks without check()', () => {
    const problems = scheduleProblems(
      fileWith(
        {
          a: schedule('snapshot-age-nosuch drop-db'),
          b: schedule('checklist missing'),
          c: schedule('health nowhere'),
          d: schedule('ping --plan'),
        },
        {
          daily: {
            checks: [
              'health api',
              'logs mission-control-api',
              'promote mission-control-api 43',
              'nosuch',
            ],
            timeout_seconds: 30,
            incident_severity: 'high',
          },
        },
      ),
      registry,
      'f.yml',
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^f\.yml schedules\.a\.command: no command `snapshot-age-nosuch`.*is it built and registered\?$/,
      ),
      'f.yml schedules.b.command: no checklist named "missing" in checklists:',
      expect.stringMatching(
        /^f\.yml schedules\.c\.command: `health nowhere` is not a valid health request \(service: no endpoint named nowhere/,
      ),
      'f.yml schedules.d.command: flags (--plan, --emergency) cannot be scheduled',
      'f.yml checklists.daily.checks.1: `logs` has no check() and cannot be a check',
      'f.yml checklists.daily.checks.2: `promote` changes things (it is not read-only); only read-only commands may be scheduled or used as checks',
      expect.stringMatching(/^f\.yml checklists\.daily\.checks\.3: no command `nosuch`/),
    ]);
  });

  it('checks the cron (5 fields) and the time zone (IANA) when parsing', async () => {
    const { parseFileConfig } = await import('../../src/registry/load-config.ts');
    const { stringify } = await import('yaml');
    const file = exampleConfig() as Record<string, unknown>;
    file.schedules = {
      x: { cron: '*/5 * * * * *', command: 'ping' },
      y: { cron: '0 8 * * *', timezone: 'Mars/Olympus', command: 'ping' },
    };
    const { problems } = parseFileConfig(stringify(file), 'f.yml');
    expect(problems).toEqual([
      'f.yml schedules.x.cron: "*/5 * * * * *" has 6 fields; use 5 (minute hour day-of-month month day-of-week)',
      'f.yml schedules.y.timezone: "Mars/Olympus" is not an IANA time zone (such as UTC or Europe/Oslo)',
    ]);
  });
  it('refuses at load a schedule whose command policy would refuse it, and says how to allow it', async () => {
    const { parseFileConfig } = await import('../../src/registry/load-config.ts');
    const { stringify } = await import('yaml');
    const file = exampleConfig() as Record<string, unknown> & ReturnType<typeof exampleConfig>;
    file.schedules = {
      ...file.schedules,
      morning: { cron: '0 8 * * *', timezone: 'UTC', command: 'ping', enabled: true },
      quiet: {
        cron: '0 9 * * *',
        timezone: 'UTC',
        command: 'ping',
        channel: 'C0QUIET',
        enabled: true,
      },
    };
    file.policies = {
      ...file.policies,
      ping: { default: { requesters: ['operators'], channels: ['C0OPS', 'C0INCIDENTS'] } },
    };
    expect(parseFileConfig(stringify(file), 'f.yml').problems).toEqual([
      'f.yml schedules.morning: the policy for `ping` in default lets only members of operators request it, so every run of this schedule would be refused; add `schedules: [morning]` to groups.operators to let it request `ping`',
      'f.yml schedules.quiet: the policy for `ping` in default allows only channels C0OPS, C0INCIDENTS, and this schedule posts in C0QUIET; set its channel: to one of them or add C0QUIET to policies.ping.default.channels',
    ]);

    // A group that lists the schedule lets it request; a group naming an unknown schedule is refused.
    file.groups = {
      ...file.groups,
      operators: { users: ['U0ALICE', 'U0BOB'], schedules: ['morning'] },
      oncall: { usergroup: 'S0ONCALL', schedules: ['nightly'] },
    };
    delete (file.schedules as Record<string, unknown>).quiet;
    expect(parseFileConfig(stringify(file), 'f.yml').problems).toEqual([
      'f.yml groups.oncall.schedules: no schedule named "nightly" in schedules:',
    ]);
  });
  it('holds a scheduled checklist to each check’s own policy, and refuses a check that needs approval', async () => {
    const { parseFileConfig } = await import('../../src/registry/load-config.ts');
    const { stringify } = await import('yaml');
    const file = exampleConfig() as Record<string, unknown> & ReturnType<typeof exampleConfig>;
    file.checklists = {
      quiet: {
        checks: ['incidents severity=critical'],
        timeout_seconds: 30,
        incident_severity: 'high',
      },
      tables: { checks: ['table-health'], timeout_seconds: 30, incident_severity: 'high' },
    };
    file.schedules = {
      morning: { cron: '0 8 * * *', timezone: 'UTC', command: 'checklist quiet', enabled: true },
    };
    file.policies = {
      ...file.policies,
      incidents: { default: { requesters: ['operators'] } },
      'table-health': { default: { approvals: 1, approver_groups: ['operators'] } },
    };
    expect(parseFileConfig(stringify(file), 'f.yml').problems).toEqual([
      'f.yml schedules.morning: its check `incidents severity=critical` would be ✗ at every run: the policy for `incidents` in default lets only members of operators request it, so every run of this schedule would be refused; add `schedules: [morning]` to groups.operators to let it request `incidents`',
      'f.yml checklists.tables.checks.0: the policy for `table-health` in default needs an approval, and a check runs without one; set its approvals to 0 or remove the check',
    ]);
  });
});
