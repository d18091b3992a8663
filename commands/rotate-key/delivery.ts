import { configSection, type FileConfig, requestToken, z } from '../../src/sdk/index.ts';
import type { KeyVersion } from './secret.ts';

/** `targets.rotate_key`: where rotate-key delivers the plaintext key, exactly one place. */
export const rotateKeySchema = z
  .discriminatedUnion('deliver', [
    z
      .object({
        deliver: z.literal('secrets_manager'),
        /** Secret name; `{duckling_id}` is replaced by the duckling's id. */
        path: z.string().includes('{duckling_id}', { message: 'must contain {duckling_id}' }),
        region: z.string().optional(),
      })
      .strict(),
    z.object({ deliver: z.literal('ephemeral') }).strict(),
  ])
  .default({ deliver: 'ephemeral' });

/** Where rotate-key sends a new key (`targets.rotate_key`), and how plans and errors name it. */
export type Delivery = z.output<typeof rotateKeySchema>;

/** The configured delivery. */
export const deliveryOf = (targets: FileConfig['targets']): Delivery =>
  configSection(targets, 'rotate_key', rotateKeySchema);

/** The secret named by the `path` template for one duckling (`*` for the IAM resource pattern). */
export const secretIdOf = (path: string, ducklingId: string) =>
  path.replaceAll('{duckling_id}', ducklingId);

/** This request's version of the duckling's secret, when keys go to Secrets Manager. */
export function keyVersion(
  delivery: Delivery,
  ducklingId: string,
  requestId: string,
): KeyVersion | undefined {
  if (delivery.deliver !== 'secrets_manager') return undefined;
  return {
    secretId: secretIdOf(delivery.path, ducklingId),
    region: delivery.region,
    token: requestToken(requestId, 'rotate-key'),
  };
}

export function destination(delivery: Delivery, ducklingId: string) {
  return delivery.deliver === 'secrets_manager'
    ? `Secrets Manager secret ${secretIdOf(delivery.path, ducklingId)}`
    : 'an ephemeral message to the requester';
}

/** The plan's lines about delivery. */
export function deliveryPlan(delivery: Delivery, ducklingId: string) {
  const to = `new key goes to ${destination(delivery, ducklingId)}`;
  if (delivery.deliver !== 'secrets_manager') return [to];
  return [
    `${to}: staged AWSPENDING first (consumers keep reading the old AWSCURRENT key)`,
    'made AWSCURRENT only after DynamoDB holds its hash (the old key becomes AWSPREVIOUS)',
  ];
}

/** What a failed activation left behind, for the error that explains it. */
export function unusedKey(delivery: Delivery, deliveredTo: string) {
  return delivery.deliver === 'secrets_manager'
    ? `The new key stored in ${deliveredTo} was never activated and did not replace the secret's AWSCURRENT version; the old key still works.`
    : `The key sent to ${deliveredTo} was never activated; the old key still works.`;
}
