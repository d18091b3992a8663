import { defineCommand, step, z } from '../src/sdk/index.ts';

const EMOJI: Record<string, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  warning: ':large_yellow_circle:',
  info: ':large_blue_circle:',
};

/** Lists the open incidents with links to their threads. Reads only. */
export default defineCommand({
  name: 'incidents',
  summary: 'List the open incidents with links to their threads',
  args: z.object({}),
  policy: { default: { approvals: 0 } },
  readOnly: true,
  run: [
    step('list', 'List the open incidents', async ({ output, incidents }) => {
      const open = await incidents.listOpen();
      const lines = open.map((i) => {
        const title = i.link ? `<${i.link}|${i.title}>` : i.title;
        const since = `<!date^${Math.floor(i.firstSeen / 1000)}^{date_short_pretty} {time}|${new Date(i.firstSeen).toISOString()}>`;
        const acked = i.acknowledgedBy ? `, acknowledged by <@${i.acknowledgedBy}>` : '';
        return `${EMOJI[i.severity] ?? ''} ${title} — ${i.source}, ${i.count} firing${i.count === 1 ? '' : 's'} since ${since}${acked}`;
      });
      const text = open.length
        ? `${open.length} open incident${open.length === 1 ? '' : 's'}`
        : 'No open incidents.';
      await output.post({
        text,
        blocks: [{ type: 'text', text: [`*${text}*`, ...lines].join('\n').slice(0, 2900) }],
      });
      return { open: open.length };
    }),
  ],
});
