import { defineCommand, step, z } from '../src/sdk/index.ts';

/** Operator notes (runbook 3: "log the incident in the operator notes"), kept in the audit ledger. */
const args = z.object({
  text: z
    .string()
    .min(1, 'the note text')
    .max(3000, 'at most 3000 characters')
    .describe('The note: everything after `note`, as typed'),
});

export default defineCommand({
  name: 'note',
  summary: 'Add an operator note to the audit ledger: /ops note <text>',
  args,
  positional: ['text'],
  rest: 'text',
  policy: { default: { approvals: 0 } },
  run: [
    step<z.output<typeof args>>(
      'note',
      'Write the note to the audit ledger',
      async ({ args, record, output }) => {
        record('operator.note', { text: args.text });
        await output.post({ text: 'Noted in the audit ledger.' });
        return { noted: true };
      },
    ),
  ],
});
