import { defineCommand, step, z } from '../src/sdk/index.ts';
import { port } from './lib/containment.ts';

/** /ops blocks: the addresses opsbot blocks now, with who, why and until when. Reads only. */
export default defineCommand({
  name: 'blocks',
  summary: 'List the active IP blocks with who, why and expiry',
  args: z.object({
    target: z.string().optional().describe('Only this ip_blocklists target'),
  }),
  positional: ['target'],
  readOnly: true,
  policy: { default: { approvals: 0 } },
  run: [
    step<{ target?: string }>('list', 'List the active blocks', async ({ args, ports, output }) => {
      const all = await port(ports, 'blocks').list();
      const shown = args.target ? all.filter((b) => b.target === args.target) : all;
      const text = shown.length
        ? `${shown.length} active block${shown.length === 1 ? '' : 's'}`
        : 'No active blocks.';
      await output.post({
        text,
        blocks: [
          { type: 'text', text: `*${text}*` },
          ...(shown.length
            ? [
                {
                  type: 'rows' as const,
                  rows: shown.map((b) => ({
                    text: `${b.target}  ${b.cidr}  by ${b.by}  since ${b.at}  ${b.expiresAt ? `expires ${b.expiresAt}` : 'no expiry'}  (${b.requestId}) — ${b.reason}`,
                  })),
                },
              ]
            : []),
        ],
      });
      return { count: shown.length };
    }),
  ],
});
