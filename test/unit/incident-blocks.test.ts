import { describe, expect, it } from 'vitest';
import type { IncidentNote } from '../../src/incidents/notices.ts';
import type { Incident } from '../../src/incidents/store.ts';
import { incidentNote, incidentParent, incidentRefusal } from '../../src/slack/blocks/incident.ts';

/** The Slack rendering of the neutral incident views: real mentions, channels, links and dates. */
const FIRST = Date.UTC(2026, 10, 23, 11, 0, 37);
const DATE = `<!date^${Math.floor(FIRST / 1000)}^{date_short_pretty} {time}|2026-11-23 11:00 UTC>`;

const incident: Incident = {
  id: 'inc_1',
  key: 'k',
  channel: 'C0OPS',
  ts: '1.2',
  status: 'open',
  count: 2,
  firstSeen: FIRST,
  lastSeen: FIRST,
  ackedBy: 'U0ALICE',
  ackedAt: FIRST,
  escalatedBy: 'U0BOB',
  incidentChannel: 'C00000042',
  alert: {
    source: 'webhook',
    key: 'k',
    status: 'firing',
    severity: 'high',
    title: 'API <down> & out',
    links: [{ label: 'Grafana', url: 'https://grafana.internal/d/1?a=1&b=2' }],
  },
} as Incident;

/** Every mrkdwn string of a message, and its fallback text. */
function texts(content: { text: string; blocks: unknown[] }): string {
  const out = [content.text];
  JSON.stringify(content.blocks, (_key, value) => {
    if (value && typeof value === 'object' && value.type === 'mrkdwn') out.push(value.text);
    return value;
  });
  return out.join('\n');
}

const ESCAPED_MARKUP = /&lt;[@#!]|&lt;http/;

describe('incident blocks (src/slack/blocks/incident.ts)', () => {
  it('the parent shows the acknowledger, escalator, channel, links and dates as Slack markup', () => {
    const all = texts(incidentParent({ incident, runbooks: [] }));
    expect(all).toContain(
      `<https://grafana.internal/d/1?a=1&amp;b=2|Grafana> · Channel: <#C00000042> · Acknowledged by <@U0ALICE> ${DATE} · Escalated by <@U0BOB> · Incident inc_1`,
    );
    expect(all).toContain(`*First seen*\n${DATE}`);
    expect(all).toContain('API &lt;down&gt; &amp; out');
    expect(all).not.toMatch(ESCAPED_MARKUP);
  });

  it('each thread note renders its sentence, with mentions, channels, links and dates as markup', () => {
    const notes: [IncidentNote, string][] = [
      [
        { kind: 'repeated', repeats: 3, since: FIRST, total: 5, lastSeen: FIRST },
        `:repeat: Fired 3 more times since ${DATE} (total 5, last ${DATE}).`,
      ],
      [
        {
          kind: 'resolved',
          incident: { ...incident, resolvedBy: 'U0BOB', resolvedAt: FIRST + 90_000 },
        },
        ':white_check_mark: Resolved by <@U0BOB> after 1 min 30 s; 2 firings in all.',
      ],
      [
        { kind: 'reopened', incident },
        ':fire: Reopened: *API &lt;down&gt; &amp; out* fired again within the reopen window (firing count 2).',
      ],
      [
        { kind: 'escalated', by: 'U0ALICE', oncall: { usergroup: 'S0ONCALL' } },
        ':mega: <@U0ALICE> escalated this incident to <!subteam^S0ONCALL>.',
      ],
      [
        { kind: 'escalated', by: 'U0ALICE', oncall: { users: ['U0BOB', 'U0JOSH'] } },
        ':mega: <@U0ALICE> escalated this incident to <@U0BOB> <@U0JOSH>.',
      ],
      [{ kind: 'discuss-in', channel: 'C00000042' }, ':speech_balloon: Discuss in <#C00000042>.'],
      [
        {
          kind: 'channel-opened',
          title: 'API <down>',
          thread: 'https://slack.com/archives/C0OPS/p12',
        },
        ':rotating_light: Channel for *API &lt;down&gt;*; the alert thread is <https://slack.com/archives/C0OPS/p12|here>.',
      ],
      [
        { kind: 'no-channel', refusal: 'restricted_action' },
        ':warning: No channel of its own for this incident: Slack refused to create it (`restricted_action`). Discuss it here, in this thread.',
      ],
      [
        { kind: 'no-channel' },
        ':warning: No channel of its own for this incident: Slack kept failing to create it, and opsbot gave up asking. Discuss it here, in this thread.',
      ],
    ];
    for (const [note, sentence] of notes) {
      const message = incidentNote(note);
      expect(message.text).toBe(sentence);
      expect(message.blocks).toEqual([
        { type: 'section', text: { type: 'mrkdwn', text: sentence } },
      ]);
    }
  });

  it('a refusal escapes its plain text and renders its mention and date as markup', () => {
    const refusal = incidentRefusal([
      'Already escalated by ',
      { type: 'mention', user: 'U0ALICE' },
      ' at ',
      { type: 'date', ts: FIRST },
      '; `<!here>` was not paged.',
    ]);
    const sentence = `Already escalated by <@U0ALICE> at ${DATE}; \`&lt;!here&gt;\` was not paged.`;
    expect(refusal.text).toBe(sentence);
    expect(texts(refusal)).not.toContain('<!here>');
  });
});
