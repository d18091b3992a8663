import {
  currentVersion,
  DEFAULT_APPROVER_GROUP,
  defineCommand,
  type FileConfig,
  generateSecretValue,
  type IamStatement,
  PermanentError,
  pendingVersion,
  requestToken,
  type Step,
  type StepContext,
  secret as secretArg,
  sleep,
  step,
  targetOf,
  UserError,
  z,
} from '../src/sdk/index.ts';
import {
  restartPermissions,
  restartSteps,
  serviceResource,
  serviceTarget,
} from './restart/steps.ts';

/**
 * rotate-secret (API service, AutoStack and Drop runbooks): a new value for a configured secret.
 *
 * - Without `rotation_lambda`: generate `length` characters of `charset` from the CSPRNG and
 *   PutSecretValue it with a ClientRequestToken derived from the request id. A retried run finds
 *   its token among the secret's versions and does nothing; AWS itself treats a repeated token
 *   with the same value as a no-op. The value is never returned, logged or shown.
 * - With `rotation_lambda`: RotateSecret with the same kind of token (refused while another
 *   rotation is pending). RotateSecret only starts the rotation: the new version stays AWSPENDING
 *   until the Lambda's finishSecret makes it AWSCURRENT, so with consumers the run waits for that
 *   (step `await-rotation`) before restarting them. A rotation that fails or does not
 *   finish in time stops the run there, with no consumer restarted on the old value.
 * - Then each consumer service (`consumers`) is restarted with the `restart` command's steps, in
 *   this same run, holding its `service:<name>` lock.
 */

const args = z.object({
  secret: secretArg('Secret to rotate (a target name from config)'),
});

type Args = z.output<typeof args>;
type Ctx = StepContext<Args>;
const PURPOSE = 'rotate-secret';

type SecretTarget = FileConfig['targets']['secrets'][string];

const target = (targets: FileConfig['targets'], name: string) =>
  targetOf<SecretTarget>(targets, 'secrets', name);

async function describe(ctx: Pick<Ctx, 'args' | 'targets' | 'ports'>) {
  const t = target(ctx.targets, ctx.args.secret);
  const info = await ctx.ports.secrets.describe({ secretId: t.secret_id, region: t.region });
  if (!info) {
    throw new UserError(
      'secret_not_found',
      `no secret ${t.secret_id}${t.region ? ` in ${t.region}` : ''} (target ${ctx.args.secret})`,
    );
  }
  return { t, info };
}

function refusePending(secretId: string, pending: string | undefined) {
  if (pending) {
    throw new UserError(
      'rotation_pending',
      `a rotation of ${secretId} is still pending (version ${pending} is AWSPENDING); wait for it to finish or cancel it, then ask again`,
    );
  }
}

async function newVersion(ctx: Ctx) {
  const { t, info } = await describe(ctx);
  const token = requestToken(ctx.request.id, PURPOSE);
  if (info.versions[token]) {
    ctx.progress('this request already stored its version');
    return {
      versionId: token,
      method: t.rotation_lambda ? 'RotateSecret' : 'PutSecretValue',
      already: true,
    };
  }
  refusePending(t.secret_id, pendingVersion(info));
  if (t.rotation_lambda) {
    const out = await ctx.ports.secrets.rotate({
      secretId: t.secret_id,
      clientRequestToken: token,
      rotationLambdaArn: t.rotation_lambda,
      region: t.region,
    });
    return { versionId: out.versionId, method: 'RotateSecret', already: false };
  }
  const out = await ctx.ports.secrets.putValue({
    secretId: t.secret_id,
    value: generateSecretValue(t.length, t.charset),
    clientRequestToken: token,
    region: t.region,
  });
  return { versionId: out.versionId, method: 'PutSecretValue', already: false };
}

const ROTATION_POLL_MS = 1_000;
const ROTATION_TIMEOUT_MS = 5 * 60_000;

/** Waits until the rotation Lambda made this request's version AWSCURRENT. */
async function awaitRotation(ctx: Ctx) {
  const { versionId } = ctx.results['new-version'] as { versionId: string };
  const t = target(ctx.targets, ctx.args.secret);
  const deadline = Date.now() + ROTATION_TIMEOUT_MS;
  for (;;) {
    const info = await ctx.ports.secrets.describe({ secretId: t.secret_id, region: t.region });
    const stages = info?.versions[versionId] ?? [];
    if (stages.includes('AWSCURRENT')) {
      ctx.progress(`version ${versionId} is AWSCURRENT`);
      return { current: true, versionId };
    }
    if (!stages.includes('AWSPENDING')) {
      throw new PermanentError(
        'rotation_failed',
        `the rotation of ${t.secret_id} did not finish: version ${versionId} is no longer AWSPENDING and never became AWSCURRENT (see ${t.rotation_lambda}'s logs); the old value is still current and no consumer was restarted`,
      );
    }
    if (Date.now() >= deadline || ctx.signal.aborted) {
      throw new PermanentError(
        'rotation_timeout',
        `the rotation of ${t.secret_id} is still AWSPENDING (version ${versionId}) after ${ROTATION_TIMEOUT_MS / 60_000} min (see ${t.rotation_lambda}'s logs); the old value is still current and no consumer was restarted`,
      );
    }
    await sleep(Math.min(ROTATION_POLL_MS, Math.max(0, deadline - Date.now())), ctx.signal);
  }
}

/**
 * The consumers' restarts, as further steps of this same run (after the new version is stored):
 * each service in `targets.secrets.<name>.consumers` is restarted with the `restart` command's
 * steps, named `restart:<service>:…` so several consumers stay apart.
 */
export function consumerRestartSteps(consumers: string[]): Step<Args>[] {
  return consumers.flatMap((service) =>
    restartSteps<Args>(service, {
      prefix: `restart:${service}:`,
      titlePrefix: `Restart ${service}: `,
    }),
  );
}

const consumersOf = (targets: FileConfig['targets'], name: string) =>
  Object.hasOwn(targets.secrets, name) ? targets.secrets[name]!.consumers : [];

function secretStatements(
  t: FileConfig['targets']['secrets'][string],
  region: string,
): IamStatement[] {
  const arn = secretArn(t.secret_id, t.region ?? region);
  if (!t.rotation_lambda) {
    return [
      {
        actions: ['secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue'],
        resources: [arn],
      },
    ];
  }
  return [
    {
      actions: ['secretsmanager:DescribeSecret', 'secretsmanager:RotateSecret'],
      resources: [arn],
    },
    { actions: ['lambda:InvokeFunction'], resources: [t.rotation_lambda] },
  ];
}

function secretArn(secretId: string, region: string) {
  return secretId.startsWith('arn:')
    ? secretId
    : `arn:aws:secretsmanager:${region}:*:secret:${secretId}-??????`;
}

export default defineCommand({
  name: 'rotate-secret',
  summary: 'Store a new value for a secret (or start its rotation Lambda); never shows the value',
  args,
  positional: ['secret'],
  policy: {
    default: { approvals: 0 },
    environments: { prod: { approvals: 1, approverGroups: [DEFAULT_APPROVER_GROUP] } },
  },
  environment: (a: Args, targets) =>
    Object.hasOwn(targets.secrets, a.secret) ? targets.secrets[a.secret]!.environment : 'prod',
  resources: (a: Args, targets) => [
    `secret:${a.secret}`,
    ...consumersOf(targets, a.secret).map(serviceResource),
  ],
  permissions: (targets, region) => [
    ...Object.values(targets.secrets).flatMap((t) => secretStatements(t, region)),
    ...restartPermissions(
      [...new Set(Object.values(targets.secrets).flatMap((t) => t.consumers))].flatMap((name) =>
        Object.hasOwn(targets.services, name) ? [targets.services[name]!] : [],
      ),
      region,
    ),
  ],
  validate(a: Args, targets) {
    return target(targets, a.secret)
      .consumers.filter((name) => !Object.hasOwn(targets.services, name))
      .map((name) => ({
        field: 'secret',
        message: `consumer ${name} of ${a.secret} is not a service in targets.services`,
      }));
  },
  async plan(ctx) {
    const { t, info } = await describe(ctx);
    refusePending(t.secret_id, pendingVersion(info));
    const how = t.rotation_lambda
      ? `RotateSecret with ${t.rotation_lambda}`
      : `PutSecretValue: ${t.length} ${t.charset} characters, never shown`;
    const consumers = t.consumers.map(
      (name) => `then restart ${name}: ${serviceTarget(ctx.targets, name).label}`,
    );
    return {
      summary: `${ctx.args.secret}: new version of ${t.secret_id} (${how})`,
      details: [`secret ${info.arn}`, ...consumers],
      facts: { current_version: currentVersion(info) ?? null },
    };
  },
  run: (a: Args, targets) => [
    step<Args>('new-version', 'Store the new secret version', newVersion),
    // Only consumers read the secret in this run: they must not restart on the old value.
    ...(target(targets, a.secret).rotation_lambda && consumersOf(targets, a.secret).length > 0
      ? [
          step<Args>(
            'await-rotation',
            'Wait until the rotation made the new version AWSCURRENT',
            awaitRotation,
          ),
        ]
      : []),
    step<Args>('audit', 'Record secret.rotated', async ({ args: x, request, results, record }) => {
      const out = results['new-version'] as { versionId: string; method: string };
      const t = target(targets, x.secret);
      record('secret.rotated', {
        secret: x.secret,
        secret_id: t.secret_id,
        version_id: out.versionId,
        method: out.method,
        operator: request.requester,
        consumers: t.consumers,
      });
      return { recorded: true };
    }),
    ...consumerRestartSteps(consumersOf(targets, a.secret)),
  ],
});
