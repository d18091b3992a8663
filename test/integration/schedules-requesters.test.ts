import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exampleConfig,
  type Harness,
  messageText,
  startHarness,
  USERS,
  waitFor,
} from '../helpers/harness.ts';

/**
 * A policy limited to named requesters: a schedule requests its command only when one of those
 * groups lists it under `schedules:` (config validation refuses the other case at start, see
 * test/unit/schedules-config.test.ts). People outside the groups are still refused, and each check
 * of a checklist is held to its own command's policy.
 */
describe('a schedule as a requester under a policy limited to groups', () => {
  let h: Harness;

  beforeAll(async () => {
    const file = exampleConfig();
    file.groups = {
      ...file.groups,
      operators: { users: ['U0ALICE', 'U0BOB', 'U0JOSH'], schedules: ['morning'] },
      readers: { users: ['U0JANE'] },
    };
    // Readers may run checklists, but the `incidents` check is for operators (and the schedule).
    file.policies = {
      ...file.policies,
      checklist: { default: { requesters: ['operators', 'readers'] } },
      incidents: { default: { requesters: ['operators'] } },
    };
    file.checklists = {
      quiet: {
        title: 'Quiet checks',
        checks: ['incidents severity=critical'],
        timeout_seconds: 10,
        incident_severity: 'high',
      },
    };
    file.schedules = {
      morning: {
        cron: '0 8 * * *',
        timezone: 'UTC',
        command: 'checklist quiet',
        channel: 'C0INCIDENTS',
        enabled: true,
      },
    };
    h = await startHarness({ file });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('runs the schedule the operators group lists, sends it no ephemerals; refuses a person outside it', async () => {
    await h.client.command('schedule run morning', USERS.alice);
    const digest = await waitFor('the scheduled digest', () =>
      h.slack.state.messages.find((m) => m.text.startsWith('Quiet checks:')),
    );
    expect(digest.text).toBe('Quiet checks: 1 ✓ · 0 ⚠ · 0 ✗');
    expect(messageText(digest)).toContain('✓ incidents severity=critical');

    await h.client.command('checklist quiet', USERS.mallory);
    await waitFor('the refusal', () =>
      h.slack.state.messages.find(
        (m) =>
          m.visibleTo === USERS.mallory.id &&
          m.text.includes('Only members of operators or readers may request `checklist`'),
      ),
    );
    expect(h.slack.state.messages.filter((m) => m.text.startsWith('Quiet checks:'))).toHaveLength(
      1,
    );
    expect(digest.channel).toBe('C0INCIDENTS');
    // Mallory's refusal came after the schedule's submission was handled (one stream consumer):
    // nothing tried to show the schedule an ephemeral ("Queued …"); it is no Slack user.
    const toSchedules = h.slack.state.calls.filter(
      (c) => c.method === 'chat.postEphemeral' && String(c.args.user).startsWith('schedule:'),
    );
    expect(toSchedules).toEqual([]);
  });

  it('holds each check to its own command policy: a reader gets ✗ for the operators-only check', async () => {
    await h.client.command('checklist quiet', USERS.jane);
    const digest = await waitFor('the reader’s digest', () =>
      h.slack.state.messages.find((m) => m.text === 'Quiet checks: 0 ✓ · 0 ⚠ · 1 ✗'),
    );
    expect(messageText(digest)).toContain(
      '✗ incidents severity=critical — not run: only members of operators may request incidents',
    );
  });
});
