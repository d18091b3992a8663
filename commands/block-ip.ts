import {
  type BlockResult,
  CidrProblem,
  checkBlockable,
  defineCommand,
  type FileConfig,
  type StepContext,
  step,
  targetName,
  z,
} from '../src/sdk/index.ts';
import { CONTAINMENT_POLICY, port, ttlArg, ttlMs, undoButton } from './lib/containment.ts';
import {
  blocklistRef,
  blocklistRegionProblems,
  blocklistStatements,
  blocklistTarget,
  cidrArg,
  describeBlocklist,
  ipBlocklists,
  ipBlocklistsSchema,
  neverBlock,
  neverBlockSchema,
} from './lib/containment-targets.ts';
import { operatorReason } from './lib/records.ts';

/**
 * block-ip (Mantissa Log containment, AutoStack scenario 2): deny an address or network at a
 * configured target, a WAFv2 IP set or a network ACL. Refuses `/0`, private ranges (unless the
 * target allows them) and anything overlapping `targets.never_block`. With `ttl=` a BullMQ delayed
 * job lifts the block later and says so in the thread. The result card's Undo asks for unblock-ip.
 */

const args = z.object({
  cidr: cidrArg('The address or network to block (203.0.113.7 or 203.0.113.0/24)'),
  target: targetName('ip_blocklists', 'Where to block it (targets.ip_blocklists)'),
  reason: operatorReason('Why (shown in /ops blocks and the audit trail)'),
  ttl: ttlArg,
});

type Args = z.output<typeof args>;

/** The CIDR in canonical form, or the rule that refuses it. */
function blockable(a: Args, targets: FileConfig['targets']) {
  const target = blocklistTarget(targets, a.target);
  return checkBlockable(a.cidr, {
    neverBlock: Object.values(neverBlock(targets)),
    allowPrivate: target.allow_private,
  }).text;
}

interface Blocked {
  cidr: string;
  result: BlockResult;
  expiresAt?: string;
}

async function block(ctx: StepContext<Args>): Promise<Blocked> {
  const cidr = blockable(ctx.args, ctx.targets);
  const target = blocklistTarget(ctx.targets, ctx.args.target);
  const result = await port(ctx.ports, 'ipBlocklists').block(blocklistRef(target), cidr);
  if (result.status === 'already_blocked') ctx.progress(`${cidr} was already blocked`);
  const expiresAt = ctx.args.ttl
    ? new Date(Date.now() + ttlMs(ctx.args.ttl)).toISOString()
    : undefined;
  return { cidr, result, ...(expiresAt ? { expiresAt } : {}) };
}

async function remember(ctx: StepContext<Args>) {
  const { cidr, result, expiresAt } = ctx.results.block as Blocked;
  const target = blocklistTarget(ctx.targets, ctx.args.target);
  const at = new Date().toISOString();
  const common = {
    requestId: ctx.request.id,
    by: ctx.request.requester,
    reason: ctx.args.reason,
    at,
  };
  // This request holds the block from now on; an older block of the same address is marked
  // superseded, so its Undo is refused instead of lifting this one.
  const { replaced } = await port(ctx.ports, 'blocks').set({
    target: ctx.args.target,
    cidr,
    ...common,
    ...(expiresAt ? { expiresAt } : {}),
  });
  await port(ctx.ports, 'containment').record({
    ...common,
    command: 'block-ip',
    subject: `${ctx.args.target}:${cidr}`,
    ...(ctx.output.thread ? { thread: ctx.output.thread } : {}),
    ...(expiresAt ? { expiresAt } : {}),
    facts: {
      // What this request itself added: the address (and its NACL rule), or nothing new.
      added: result.status === 'blocked' ? 'yes' : 'no',
      ...(result.ruleNumber !== undefined ? { rule_number: String(result.ruleNumber) } : {}),
      ...(replaced ? { took_over: replaced.requestId } : {}),
    },
  });
  if (expiresAt) {
    await port(ctx.ports, 'blocks').scheduleExpiry({
      requestId: ctx.request.id,
      target: ctx.args.target,
      cidr,
      ref: blocklistRef(target),
      at: expiresAt,
    });
  }
  ctx.record('ip.blocked', {
    target: ctx.args.target,
    cidr,
    reason: ctx.args.reason,
    expires_at: expiresAt ?? null,
    took_over: replaced?.requestId ?? null,
  });
  return { recorded: true, ...(replaced ? { tookOver: replaced.requestId } : {}) };
}

async function card(ctx: StepContext<Args>) {
  const { cidr, result, expiresAt } = ctx.results.block as Blocked;
  const { tookOver } = ctx.results.record as { tookOver?: string };
  const target = blocklistTarget(ctx.targets, ctx.args.target);
  const what =
    result.status === 'blocked' ? 'Blocked' : 'Already blocked (now recorded as this request)';
  await ctx.output.post({
    text: `${what}: ${cidr} on ${ctx.args.target}`,
    blocks: [
      { type: 'text', text: `:no_entry: *${what}:* \`${cidr}\` on *${ctx.args.target}*` },
      {
        type: 'fields',
        fields: [
          ['Where', describeBlocklist(target)],
          ['Reason', ctx.args.reason],
          ['Expires', expiresAt ? `${expiresAt} (ttl ${ctx.args.ttl})` : 'never (unblock by hand)'],
          ...(result.ruleNumber !== undefined
            ? ([['Rule', String(result.ruleNumber)]] as [string, string][])
            : []),
        ],
      },
      ...(tookOver
        ? [
            {
              type: 'context' as const,
              text: `Takes over the block of request ${tookOver}: its Undo no longer lifts it; this one's does`,
            },
          ]
        : []),
      undoButton(`unblock-ip ${cidr} target=${ctx.args.target} undo=${ctx.request.id}`),
    ],
  });
  return { posted: true };
}

export default defineCommand({
  name: 'block-ip',
  summary:
    'Block an address or network at a WAF IP set or network ACL (containment; Undo: unblock-ip)',
  args,
  positional: ['cidr'],
  config: { targets: { ip_blocklists: ipBlocklistsSchema, never_block: neverBlockSchema } },
  policy: CONTAINMENT_POLICY,
  environment: (a: Args, targets) => ipBlocklists(targets)[a.target]?.environment ?? 'prod',
  resources: (a: Args) => [`blocklist:${a.target}`],
  permissions: (targets, region) => blocklistStatements(targets, region),
  regionProblems: blocklistRegionProblems,
  validate(a: Args, targets) {
    if (!ipBlocklists(targets)[a.target]) {
      const names = Object.keys(ipBlocklists(targets));
      return [
        {
          field: 'target',
          message: `not a configured ip_blocklists target (configured: ${names.join(', ') || 'none'})`,
        },
      ];
    }
    try {
      blockable(a, targets);
      return [];
    } catch (error) {
      if (error instanceof CidrProblem) return [{ field: 'cidr', message: error.message }];
      throw error;
    }
  },
  async plan({ args: a, targets, ports }) {
    const cidr = blockable(a, targets);
    const target = blocklistTarget(targets, a.target);
    const listed = await port(ports, 'ipBlocklists').list(blocklistRef(target));
    const already = listed.includes(cidr);
    return {
      summary: already
        ? `${cidr} is already blocked on ${a.target}; it will be recorded as this request`
        : `${a.target}: block ${cidr}${a.ttl ? ` for ${a.ttl}` : ''}`,
      details: [
        describeBlocklist(target),
        `reason: ${a.reason}`,
        `${listed.length} address(es) blocked there now`,
      ],
      facts: { already_blocked: already },
    };
  },
  run: [
    step<Args>('block', 'Block the address', block),
    step<Args>('record', 'Record the block (and schedule its expiry)', remember),
    step<Args>('card', 'Show the result with Undo', card),
  ],
});
