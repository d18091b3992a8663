import type { FileConfig, StepContext } from '../../src/sdk/index.ts';
import { recordActions } from '../lib/record-actions.ts';

/**
 * "Notify the duckling" (Mission Control playbooks 2, 3 and 5): after an operator-initiated
 * rotation, revocation or expiry, one templated e-mail (SES v2 `SendEmail`) to the address on the
 * duckling's record. The template data holds ids and times, never a key. The step's note says
 * "notified a***@example.com" or why nobody was notified.
 */

export type NoticeKind = 'key-rotated' | 'connection-revoked' | 'cert-expired';

/** `ada@example.com` → `a***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

export const notifyConfigured = (targets: FileConfig['targets']) =>
  recordActions(targets).notify !== undefined;

export async function notifyDuckling(
  ctx: Pick<StepContext<unknown>, 'targets' | 'ports' | 'progress'>,
  input: { kind: NoticeKind; ducklingId: string; data: Record<string, string> },
): Promise<{ notified?: string; notNotified?: string }> {
  const cfg = recordActions(ctx.targets).notify;
  if (!cfg) return { notNotified: 'notify is not configured' };
  const table = Object.entries(ctx.targets.tables).find(([, t]) => t.holds === 'ducklings');
  if (!table) return { notNotified: 'no table holds ducklings' };
  const [target, t] = table;
  const duckling = await ctx.ports.records.get({
    table: t.table_name ?? target,
    key: { [t.key]: input.ducklingId },
    region: t.region,
  });
  // Playbook 5 step 5: "if cert expiry affects a live duckling, notify them": a cert expired
  // because its account was terminated or suspended tells nobody.
  const status = duckling?.status;
  if (input.kind === 'cert-expired' && typeof status === 'string' && status !== 'ACTIVE') {
    const why = `not notified: duckling ${input.ducklingId} is ${status}, not a live (ACTIVE) account`;
    ctx.progress(why);
    return { notNotified: why };
  }
  const email = duckling?.[cfg.email_attribute];
  if (typeof email !== 'string' || !email.includes('@')) {
    const why = `not notified: no e-mail on record for duckling ${input.ducklingId}`;
    ctx.progress(why);
    return { notNotified: why };
  }
  if (!ctx.ports.email) {
    const why = 'not notified: e-mail cannot be sent from here (no SES port)';
    ctx.progress(why);
    return { notNotified: why };
  }
  await ctx.ports.email.sendTemplated({
    from: cfg.from,
    to: email,
    template: `${cfg.template}-${input.kind}`,
    data: { duckling_id: input.ducklingId, ...input.data },
    region: cfg.region,
  });
  const masked = maskEmail(email);
  ctx.progress(`notified ${masked}`);
  return { notified: masked };
}

/** IAM: ses:SendEmail from the configured identity, with each template. */
export function notifyStatements(targets: FileConfig['targets'], region: string) {
  const cfg = recordActions(targets).notify;
  if (!cfg) return [];
  const r = cfg.region ?? region;
  const domain = cfg.from.slice(cfg.from.lastIndexOf('@') + 1);
  return [
    {
      actions: ['ses:SendEmail'],
      resources: [
        `arn:aws:ses:${r}:*:identity/${cfg.from}`,
        `arn:aws:ses:${r}:*:identity/${domain}`,
        `arn:aws:ses:${r}:*:template/${cfg.template}-*`,
      ],
    },
  ];
}
