import {
  defineCommand,
  parseCidr,
  type StepContext,
  step,
  targetName,
  type UnblockResult,
  z,
} from '../src/sdk/index.ts';
import {
  CONTAINMENT_POLICY,
  checkUndoable,
  claimUndo,
  optionalReason,
  port,
  undoArg,
  undoesLine,
} from './lib/containment.ts';
import {
  blocklistRef,
  blocklistStatements,
  blocklistTarget,
  cidrArg,
  describeBlocklist,
  ipBlocklists,
} from './lib/containment-targets.ts';

/**
 * unblock-ip: lift a block, the inverse of block-ip. The Undo button fills `undo=<request id>`: the
 * plan then refuses when that block was already lifted (by hand, another Undo, or its ttl), and the
 * run marks it undone atomically, so it is undone once. Same policy as block-ip.
 */

const args = z.object({
  cidr: cidrArg('The address or network to unblock'),
  target: targetName('ip_blocklists', 'Where it is blocked (targets.ip_blocklists)'),
  reason: optionalReason,
  undo: undoArg,
});

type Args = z.output<typeof args>;

const canonical = (a: Args) => parseCidr(a.cidr).text;
const subject = (a: Args) => `${a.target}:${canonical(a)}`;

async function unblock(ctx: StepContext<Args>) {
  const cidr = canonical(ctx.args);
  const target = blocklistTarget(ctx.targets, ctx.args.target);
  const result: UnblockResult = await port(ctx.aws, 'ipBlocklists').unblock(
    blocklistRef(target),
    cidr,
  );
  if (result.status === 'not_blocked') ctx.progress(`${cidr} was not blocked there`);
  return { cidr, status: result.status };
}

/** Marks what this lifts as undone: the block named by `undo=`, else the block in force. */
async function settle(ctx: StepContext<Args>) {
  const cidr = canonical(ctx.args);
  const active = await port(ctx.aws, 'blocks').clear({ target: ctx.args.target, cidr });
  const original = ctx.args.undo ?? active?.requestId;
  if (ctx.args.undo) await claimUndo(ctx, ctx.args.undo, 'block-ip', subject(ctx.args));
  else if (original) {
    await port(ctx.aws, 'containment').claimUndo({
      original,
      command: 'block-ip',
      subject: subject(ctx.args),
      undo: { requestId: ctx.request.id, by: ctx.request.requester, at: new Date().toISOString() },
    });
  }
  ctx.record('ip.unblocked', {
    target: ctx.args.target,
    cidr,
    reason: ctx.args.reason ?? null,
    undoes: original ?? null,
  });
  return { undoes: original ?? null };
}

async function card(ctx: StepContext<Args>) {
  const { cidr, status } = ctx.results.unblock as { cidr: string; status: string };
  const { undoes } = ctx.results.settle as { undoes: string | null };
  const what = status === 'unblocked' ? 'Unblocked' : 'Was not blocked';
  await ctx.output.post({
    text: `${what}: ${cidr} on ${ctx.args.target}`,
    blocks: [
      { type: 'text', text: `:white_check_mark: *${what}:* \`${cidr}\` on *${ctx.args.target}*` },
      ...undoesLine(undoes ?? undefined),
    ],
  });
  return { posted: true };
}

export default defineCommand({
  name: 'unblock-ip',
  summary: 'Lift a block made by block-ip (its Undo)',
  args,
  positional: ['cidr'],
  policy: CONTAINMENT_POLICY,
  environment: (a: Args, targets) => ipBlocklists(targets)[a.target]?.environment ?? 'prod',
  resources: (a: Args) => [`blocklist:${a.target}`],
  permissions: (targets, region) => blocklistStatements(targets, region),
  validate(a: Args, targets) {
    if (ipBlocklists(targets)[a.target]) return [];
    const names = Object.keys(ipBlocklists(targets));
    return [
      {
        field: 'target',
        message: `not a configured ip_blocklists target (configured: ${names.join(', ') || 'none'})`,
      },
    ];
  },
  async plan({ args: a, targets, aws }) {
    const cidr = canonical(a);
    if (a.undo) await checkUndoable(port(aws, 'containment'), a.undo, 'block-ip', subject(a));
    const target = blocklistTarget(targets, a.target);
    const listed = await port(aws, 'ipBlocklists').list(blocklistRef(target));
    const blocked = listed.includes(cidr);
    return {
      summary: blocked
        ? `${a.target}: unblock ${cidr}${a.undo ? ` (undoes ${a.undo})` : ''}`
        : `${cidr} is not blocked on ${a.target}; nothing to lift${a.undo ? ` (the undo of ${a.undo} is still recorded)` : ''}`,
      details: [describeBlocklist(target), ...(a.reason ? [`reason: ${a.reason}`] : [])],
      facts: { blocked },
    };
  },
  run: [
    step<Args>('unblock', 'Unblock the address', unblock),
    step<Args>('settle', 'Record what this undoes', settle),
    step<Args>('card', 'Show the result', card),
  ],
});
