import { describe, expect, it } from 'vitest';
import incidentsCommand from '../../commands/incidents.ts';
import type { Alert } from '../../src/alerts/alert.ts';
import type { Incident } from '../../src/incidents/store.ts';
import { stepsOf } from '../../src/sdk/command.ts';
import type { OutputMessage, StepContext } from '../../src/sdk/index.ts';
import { incidentParent as renderParent } from '../../src/slack/blocks/incident.ts';
import { outputMessage } from '../../src/slack/blocks/output.ts';

const incidentParent = (incident: Incident, runbooks: []) => renderParent({ incident, runbooks });

/** Finding 2: alert-provided text is escaped everywhere it is rendered; links are http(s) only. */
function incident(alert: Partial<Alert>): Incident {
  return {
    id: 'inc_1',
    key: 'k',
    channel: 'C1',
    status: 'open',
    count: 1,
    firstSeen: 1_700_000_000_000,
    lastSeen: 1_700_000_000_000,
    alert: {
      source: 'webhook',
      key: 'k',
      status: 'firing',
      severity: 'high',
      title: 'API down',
      ...alert,
    },
  } as Incident;
}

/** Every mrkdwn string in a message, and its fallback text. */
function mrkdwnTexts(content: { text: string; blocks?: unknown[] }): string[] {
  const out = [content.text];
  JSON.stringify(content.blocks ?? [], (_key, value) => {
    if (value && typeof value === 'object' && value.type === 'mrkdwn') out.push(value.text);
    return value;
  });
  return out;
}

describe('finding 2: mrkdwn injection from alerts', () => {
  it('finding 2: an alert title cannot ping the workspace from the incident message text', () => {
    const parent = incidentParent(incident({ title: '<!everyone> API down' }), []);
    for (const text of mrkdwnTexts(parent)) expect(text).not.toContain('<!everyone>');
    expect(parent.text).toContain('&lt;!everyone&gt; API down');
  });

  it('finding 2: a javascript: link from an alert is not rendered as a link', () => {
    const parent = incidentParent(
      incident({ links: [{ label: 'Runbook', url: 'javascript:alert(1)' }] }),
      [],
    );
    const all = mrkdwnTexts(parent).join('\n');
    expect(all).not.toContain('javascript:');
    expect(all).toContain('Runbook');
  });

  it('finding 2: a link cannot be spoofed by a | or > in its URL, and its label is escaped', () => {
    const parent = incidentParent(
      incident({
        links: [
          { label: 'Grafana', url: 'https://evil.example|https://grafana.internal' },
          { label: '<!channel> dash', url: 'https://grafana.internal/d/1' },
        ],
      }),
      [],
    );
    const all = mrkdwnTexts(parent).join('\n');
    expect(all).not.toContain('https://evil.example');
    expect(all).toContain('<https://grafana.internal/d/1|&lt;!channel&gt; dash>');
  });

  it('finding 2: the incident list (`/ops incidents`) escapes the alert source', async () => {
    const open = incident({ source: '<!here>' });
    const posted: OutputMessage[] = [];
    const [list] = stepsOf(incidentsCommand, {}, {} as never);
    await list!.run({
      args: {},
      incidents: {
        listOpen: async () => [
          { ...open.alert, id: open.id, count: 1, firstSeen: open.firstSeen, lastSeen: 0 },
        ],
      },
      output: { post: async (message: OutputMessage) => void posted.push(message) },
    } as unknown as StepContext<object>);
    const all = mrkdwnTexts(outputMessage(posted[0]!)).join('\n');
    expect(all).toContain('&lt;!here&gt;');
    expect(all).not.toContain('<!here>');
  });

  it('finding 2: code blocks in log output escape &, < and >', () => {
    const message = outputMessage({
      text: 'logs',
      blocks: [{ type: 'code', text: 'ERROR <!everyone> <https://evil|click> a&b' }],
    });
    const all = mrkdwnTexts(message).join('\n');
    expect(all).not.toContain('<!everyone>');
    expect(all).not.toContain('<https://evil|click>');
    expect(all).toContain('&lt;!everyone&gt; &lt;https://evil|click&gt; a&amp;b');
  });

  it('finding 2: a long escaped code block is split without cutting an entity in half', () => {
    const message = outputMessage({
      text: 'logs',
      // 11,600 characters once escaped: four parts, all within one message's 12,000 characters of
      // text (past them the output is cut to fit and attached as a file: output-size.test.ts).
      blocks: [{ type: 'code', text: '<'.repeat(2900) }],
    });
    const parts = mrkdwnTexts(message).slice(1);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(3000);
      expect(part.replace(/^```|```$/g, '')).toMatch(/^(&lt;)+$/);
    }
  });
});
