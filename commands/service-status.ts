import {
  defineCommand,
  type FileConfig,
  type PlanContext,
  type ServiceStatus,
  service as serviceArg,
  step,
  UserError,
  type Verdict,
  z,
} from '../src/sdk/index.ts';
import { serviceTarget } from './restart/steps.ts';

/**
 * Drop's daily "App Runner service status: RUNNING", and its ECS equivalent: running/desired task
 * counts and deployments in flight. Read-only: App Runner DescribeService, ECS DescribeServices.
 */

const args = z.object({
  service: serviceArg('Service to look at (a target name from targets.services)'),
});

type Args = z.output<typeof args>;

/** App Runner Status → verdict. OPERATION_IN_PROGRESS is a deployment or config change. */
const APP_RUNNER: Record<string, Verdict['status']> = {
  RUNNING: 'ok',
  OPERATION_IN_PROGRESS: 'warn',
};

export function judgeService(s: ServiceStatus): Verdict {
  if (s.type === 'apprunner') {
    const status = APP_RUNNER[s.status] ?? 'fail';
    return {
      status,
      reason: `App Runner ${s.name} is ${s.status}`,
      ...(s.url ? { link: s.url } : {}),
    };
  }
  const tasks = `${s.running}/${s.desired} tasks running`;
  const rolling = s.deployments.filter((d) => d.status !== 'INACTIVE');
  const failed = rolling.find((d) => d.rolloutState === 'FAILED');
  const values = { running: s.running, desired: s.desired, deployments: rolling.length };
  const verdict = (status: Verdict['status'], reason: string): Verdict => ({
    status,
    reason: `ECS ${s.name}: ${reason}`,
    values,
  });
  if (s.status !== 'ACTIVE') return verdict('fail', `service is ${s.status}`);
  if (failed)
    return verdict(
      'fail',
      `deployment FAILED${failed.rolloutStateReason ? ` (${failed.rolloutStateReason})` : ''}, ${tasks}`,
    );
  if (s.desired > 0 && s.running === 0) return verdict('fail', tasks);
  if (s.running < s.desired) return verdict('warn', tasks);
  if (rolling.length > 1)
    return verdict('warn', `${tasks}, ${rolling.length} deployments (rolling out)`);
  return verdict('ok', `${tasks}, steady`);
}

async function describe(a: Args, ctx: Pick<PlanContext<Args>, 'targets' | 'ports'>) {
  if (!ctx.ports.serviceStatus)
    throw new UserError('not_available', 'service status is not available in this process');
  return ctx.ports.serviceStatus.describe(serviceTarget(ctx.targets, a.service).ref);
}

function region(targets: FileConfig['targets'], name: string, fallback: string) {
  return targets.services[name]?.region ?? fallback;
}

export default defineCommand({
  name: 'service-status',
  summary: 'App Runner status or ECS tasks and deployments of a service (read-only)',
  args,
  positional: ['service'],
  readOnly: true,
  policy: { default: { approvals: 0 } },
  permissions: (targets, defaultRegion) =>
    Object.entries(targets.services).map(([name, s]) =>
      s.type === 'ecs'
        ? {
            actions: ['ecs:DescribeServices'],
            resources: [
              `arn:aws:ecs:${region(targets, name, defaultRegion)}:*:service/${s.cluster}/${s.service}`,
            ],
          }
        : { actions: ['apprunner:DescribeService'], resources: [s.service_arn] },
    ),
  async check(ctx) {
    return judgeService(await describe(ctx.args, ctx));
  },
  run: [
    step<Args>('describe', 'Describe the service', async (ctx) => {
      const s = await describe(ctx.args, ctx);
      const verdict = judgeService(s);
      const mark = { ok: '✓', warn: '⚠', fail: '✗' }[verdict.status];
      const rows =
        s.type === 'ecs'
          ? s.deployments.map((d) => ({
              text: `${d.status.padEnd(8)} ${d.rolloutState ?? '-'} ${d.running}/${d.desired} ${d.id}`,
            }))
          : [];
      await ctx.output.post({
        text: `${mark} ${verdict.reason}`,
        blocks: [
          { type: 'text', text: `*${mark} ${verdict.reason}*` },
          ...(rows.length > 0 ? [{ type: 'rows' as const, rows }] : []),
        ],
      });
      return { status: verdict.status };
    }),
  ],
});
