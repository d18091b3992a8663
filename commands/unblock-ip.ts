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
  checkStillHeld,
  checkUndoable,
  optionalReason,
  port,
  undoArg,
  undoesLine,
} from './lib/containment.ts';
import {
  blocklistRef,
  blocklistRegionProblems,
  blocklistStatements,
  blocklistTarget,
  cidrArg,
  describeBlocklist,
  ipBlocklists,
} from './lib/containment-targets.ts';

/**
 * unblock-ip: lift a block, the inverse of block-ip. The Undo button fills `undo=<request id>`: the
 * plan (made again when the run starts, under the target's lock) then refuses when that block was
 * already lifted (by hand, another Undo, or its ttl), or when a newer block of the same address
 * holds it now (lifting it would undo the newer request). The run marks the request undone and
 * removes its active block in one atomic step, so it is undone once, even across a crash. Without
 * `undo=` it lifts the block whoever holds it. Same policy as block-ip.
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
  const result: UnblockResult = await port(ctx.ports, 'ipBlocklists').unblock(
    blocklistRef(target),
    cidr,
  );
  if (result.status === 'not_blocked') ctx.progress(`${cidr} was not blocked there`);
  return { cidr, status: result.status };
}

/**
 * Marks what this lifted as undone and removes its active block, in one atomic step that a retried
 * run repeats with the same answer (`lift`): the block named by `undo=`, else the block in force.
 */
async function settle(ctx: StepContext<Args>) {
  const cidr = canonical(ctx.args);
  const lifted = await port(ctx.ports, 'blocks').lift({
    target: ctx.args.target,
    cidr,
    undo: { requestId: ctx.request.id, by: ctx.request.requester, at: new Date().toISOString() },
    ...(ctx.args.undo ? { original: ctx.args.undo } : {}),
  });
  if (lifted.alreadyUndone) {
    const by =
      lifted.alreadyUndone.requestId === 'ttl'
        ? 'its ttl'
        : `request ${lifted.alreadyUndone.requestId}`;
    ctx.progress(`request ${lifted.undoes} was undone meanwhile by ${by}`);
  }
  ctx.record('ip.unblocked', {
    target: ctx.args.target,
    cidr,
    reason: ctx.args.reason ?? null,
    undoes: lifted.undoes ?? null,
  });
  return { undoes: lifted.undoes ?? null };
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
  regionProblems: blocklistRegionProblems,
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
  async plan({ args: a, targets, ports }) {
    const cidr = canonical(a);
    if (a.undo) {
      await checkUndoable(port(ports, 'containment'), a.undo, 'block-ip', subject(a));
      await checkStillHeld(ports, a.undo, a.target, cidr);
    }
    const target = blocklistTarget(targets, a.target);
    const listed = await port(ports, 'ipBlocklists').list(blocklistRef(target));
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
