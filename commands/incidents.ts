import {
  date,
  defineCommand,
  type IncidentsPort,
  type InlineElement,
  link,
  mention,
  type OpenIncident,
  PermanentError,
  step,
  z,
} from '../src/sdk/index.ts';

const EMOJI: Record<string, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  warning: ':large_yellow_circle:',
  info: ':large_blue_circle:',
};

const args = z.object({
  severity: z
    .enum(['critical', 'high', 'warning', 'info'])
    .optional()
    .describe('Only incidents of this severity (critical, high, warning, info)'),
});

type Args = z.output<typeof args>;

const openOf = async (incidents: IncidentsPort, a: Args) =>
  (await incidents.listOpen()).filter((i) => !a.severity || i.severity === a.severity);

/** `🟠 API down — webhook, 3 firings since <date>, acknowledged by <mention>`, the title linked. */
function line(i: OpenIncident): (string | InlineElement)[] {
  return [
    `${EMOJI[i.severity] ?? ''} `,
    i.link ? link(i.link, i.title) : i.title,
    ` — ${i.source}, ${i.count} firing${i.count === 1 ? '' : 's'} since `,
    date(i.firstSeen),
    ...(i.acknowledgedBy ? [', acknowledged by ', mention(i.acknowledgedBy)] : []),
  ];
}

/** Lists the open incidents with links to their threads. Reads only. */
export default defineCommand({
  name: 'incidents',
  summary: 'List the open incidents with links to their threads (severity=critical to filter)',
  args,
  readOnly: true,
  policy: { default: { approvals: 0 } },
  /** ✗ when an incident of the severity asked for (any, without one) is open and unresolved. */
  async check({ args: a, incidents }) {
    if (!incidents)
      throw new PermanentError(
        'no_incidents',
        'incidents can only be checked where alerts are set up',
      );
    const open = await openOf(incidents, a);
    const which = a.severity ? `${a.severity} ` : '';
    const unacked = open.filter((i) => !i.acknowledgedBy).length;
    return {
      status: open.length > 0 ? 'fail' : 'ok',
      reason:
        open.length > 0
          ? `${open.length} open ${which}incident${open.length === 1 ? '' : 's'} (${unacked} not acknowledged): ${open.map((i) => i.title).join(', ')}`
          : `no open ${which}incidents`,
      ...(open[0]?.link ? { link: open[0].link } : {}),
      values: { open: open.length },
    };
  },
  run: [
    step<Args>('list', 'List the open incidents', async ({ args: a, output, incidents }) => {
      const open = await openOf(incidents, a);
      const text = open.length
        ? `${open.length} open incident${open.length === 1 ? '' : 's'}`
        : 'No open incidents.';
      await output.post({
        text,
        blocks: [{ type: 'text', text: [`*${text}*`, ...open.flatMap((i) => ['\n', ...line(i)])] }],
      });
      return { open: open.length };
    }),
  ],
});
