import {
  type AnchorSummary,
  type AuditEntry,
  DEFAULT_REQUESTER_GROUP,
  defineCommand,
  type LedgerPort,
  type StepContext,
  step,
  UserError,
  z,
} from '../src/sdk/index.ts';

const RELATIVE = /^(\d+)\s*(m|h|d)$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `2026-11-23`, `2026-11-23T10:00Z`, or an age such as `30m`, `24h`, `7d` → UTC ISO time. */
const time = (description: string) =>
  z
    .string()
    .transform((value, ctx) => {
      const relative = RELATIVE.exec(value.trim());
      const ms = relative
        ? Date.now() - Number(relative[1]) * UNIT_MS[relative[2]!.toLowerCase()]!
        : Date.parse(value);
      if (Number.isNaN(ms)) {
        ctx.issues.push({
          code: 'custom',
          input: value,
          message: 'a time such as 2026-11-23, 2026-11-23T10:00Z, 30m, 24h or 7d',
        });
        return z.NEVER;
      }
      return new Date(ms).toISOString();
    })
    .describe(description);

const args = z.object({
  action: z
    .enum(['list', 'verify', 'export'])
    .default('list')
    .describe(
      'list: recent entries; verify: check the hash chain; export: upload a JSON Lines file',
    ),
  last: z.coerce.number().int().min(1).max(100).default(20).describe('list: how many entries'),
  command: z.string().optional().describe('list: only entries of this command'),
  actor: z.string().optional().describe('list: only entries by this person (@name or user id)'),
  since: time('list, export: from this time (2026-11-23, 30m, 24h, 7d)').optional(),
  until: time('export: up to this time (default: now)').optional(),
  from: z.coerce.number().int().min(1).optional().describe('verify: start at this seq'),
});

type Args = z.output<typeof args>;

const ONLY_FOR: Record<string, Args['action'][]> = {
  last: ['list'],
  command: ['list'],
  actor: ['list'],
  since: ['list', 'export'],
  until: ['export'],
  from: ['verify'],
};

function ledgerOf(ctx: StepContext<Args>): LedgerPort {
  const ledger = ctx.ports.ledger;
  if (!ledger) {
    throw new UserError(
      'no_audit_ledger',
      'no audit ledger is configured (set audit.table in the config file and run opsbot setup)',
    );
  }
  return ledger;
}

/** `<@U123|alice>`, `<@U123>`, `@alice`, `U123` → what an entry's actor or actor_name holds. */
function actorFilter(actor: string | undefined): string | undefined {
  if (!actor) return undefined;
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(actor);
  return mention ? mention[1] : actor.replace(/^@/, '');
}

function row(entry: AuditEntry) {
  const when = entry.ts.slice(5, 19).replace('T', ' ');
  const who = entry.actor_name ? `@${entry.actor_name}` : entry.actor;
  const text = [
    `#${entry.seq}`.padEnd(7),
    when,
    who.padEnd(12),
    (entry.command ?? '-').padEnd(10),
    entry.action.padEnd(18),
    entry.result ?? '',
  ].join(' ');
  return {
    text: text.trimEnd(),
    ...(entry.permalink ? { link: { url: entry.permalink, label: entry.run_id ?? 'run' } } : {}),
  };
}

const list = step<Args>('list', 'Read the audit ledger', async (ctx) => {
  const a = ctx.args;
  const entries = await ledgerOf(ctx).recent({
    last: a.last,
    command: a.command,
    actor: actorFilter(a.actor),
    since: a.since,
  });
  if (entries.length === 0) {
    await ctx.output.post({ text: 'No audit entries match.' });
    return { count: 0 };
  }
  const rows = entries.reverse().map(row);
  await ctx.output.post({
    text: `The last ${entries.length} audit entries`,
    blocks: [
      { type: 'text', text: `*Audit ledger*: ${entries.length} entries, oldest first` },
      { type: 'rows', rows },
    ],
  });
  return { count: entries.length, head: entries.at(-1)?.seq };
});

/** What the heads posted to the audit channel said: matched, none yet, or why none were read. */
function anchorNote(anchors: AnchorSummary | undefined): string {
  if (!anchors) return '';
  if (anchors.unavailable) return ` Not checked against anchors: ${anchors.unavailable}.`;
  if (!anchors.latest) return ' No anchors posted yet.';
  const at = anchors.latest.at ? ` (${anchors.latest.at})` : '';
  return ` Matches ${anchors.checked} anchor${anchors.checked === 1 ? '' : 's'}; the latest is seq ${anchors.latest.seq}${at}.`;
}

const verify = step<Args>('verify', 'Verify the hash chain', async (ctx) => {
  const report = await ledgerOf(ctx).verify({ from: ctx.args.from });
  const text = report.ok
    ? (report.head
        ? `✅ Audit ledger OK: ${report.count} entries verified (seq ${report.first}–${report.head.seq}). Head hash ${report.head.hash}.`
        : '✅ Audit ledger OK: no entries yet.') + anchorNote(report.anchors)
    : `🚨 Audit ledger BROKEN at seq ${report.seq}: ${report.reason}. ${report.count} entries before it verified.`;
  await ctx.output.post({ text, blocks: [{ type: 'text', text }] });
  ctx.record('audit.verified', {
    ok: report.ok,
    count: report.count,
    ...(report.ok ? { head_seq: report.head?.seq, head_hash: report.head?.hash } : {}),
    ...(report.ok ? {} : { broken_seq: report.seq, problem: report.problem }),
  });
  return report.ok ? { ok: true, count: report.count } : { ok: false, seq: report.seq };
});

const exportEntries = step<Args>('export', 'Export the entries', async (ctx) => {
  const { since, until } = ctx.args;
  if (!since) throw new UserError('since_required', 'export needs since=… (a date or 24h, 7d)');
  const { jsonl, count } = await ledgerOf(ctx).export({ since, until });
  const range = `${since}${until ? ` to ${until}` : ' to now'}`;
  if (count === 0) {
    await ctx.output.post({ text: `No audit entries from ${range}.` });
  } else {
    await ctx.output.upload({
      name: `opsbot-audit-${since.slice(0, 10)}.jsonl`,
      title: `Audit ledger export (${count} entries)`,
      content: jsonl,
      comment: `${count} audit entries from ${range}. Verify offline: opsbot audit verify --file <this file>`,
    });
  }
  ctx.record('audit.exported', { since, until: until ?? null, count });
  return { count };
});

/** The audit ledger from Slack: recent entries, chain verification, and exports. Read-only. */
export default defineCommand({
  name: 'audit',
  summary:
    'Show recent audit entries, verify the ledger (audit verify) or export it (audit export)',
  args,
  positional: ['action'],
  // Log events and the audit ledger show more than one resource: operators only, by default.
  policy: { default: { approvals: 0, requesters: [DEFAULT_REQUESTER_GROUP] } },
  readOnly: true,
  validate(a: Args) {
    const given = Object.entries(ONLY_FOR).filter(
      ([name, actions]) =>
        a[name as keyof Args] !== undefined &&
        !(name === 'last' && a.last === 20) &&
        !actions.includes(a.action),
    );
    const problems = given.map(([name, actions]) => ({
      field: name,
      message: `only for audit ${actions.join(' or ')} (this is audit ${a.action})`,
    }));
    if (a.action === 'export' && !a.since)
      problems.push({ field: 'since', message: 'required for audit export' });
    return problems;
  },
  run: (a: Args) => [a.action === 'verify' ? verify : a.action === 'export' ? exportEntries : list],
});
