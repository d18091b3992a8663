import {
  DeleteUserPolicyCommand,
  GetAccessKeyLastUsedCommand,
  type IAMClient,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import type { AccessKeysPort } from '../sdk/ports/access-keys.ts';
import { awsCall, explainAwsError } from './errors.ts';

/** The inline policy that quarantines a user: deny every action on every resource. */
export const DENY_ALL_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'OpsbotQuarantine', Effect: 'Deny', Action: '*', Resource: '*' }],
});

const userArn = (userName: string) => `IAM user ${userName}`;
const isMissing = (error: unknown) =>
  (error as { name?: string }).name === 'NoSuchEntityException' ||
  (error as { name?: string }).name === 'NoSuchEntity';

/** IAM is global per partition: one client, in the bot's region (the SDK picks the partition's endpoint). */
export function accessKeysAdapter(iam: IAMClient): AccessKeysPort {
  return {
    async lastUsed(accessKeyId) {
      try {
        const out = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
        if (!out.UserName) return undefined;
        const last = out.AccessKeyLastUsed;
        return {
          accessKeyId,
          userName: out.UserName,
          ...(last?.LastUsedDate ? { lastUsedAt: last.LastUsedDate.toISOString() } : {}),
          ...(last?.ServiceName ? { service: last.ServiceName } : {}),
          ...(last?.Region ? { region: last.Region } : {}),
        };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw explainAwsError(error, {
          action: 'iam:GetAccessKeyLastUsed',
          resource: `access key ${accessKeyId}`,
        });
      }
    },
    async status({ userName, accessKeyId }) {
      let marker: string | undefined;
      do {
        const out = await awsCall(
          { action: 'iam:ListAccessKeys', resource: userArn(userName) },
          () => iam.send(new ListAccessKeysCommand({ UserName: userName, Marker: marker })),
        );
        const key = out.AccessKeyMetadata?.find((k) => k.AccessKeyId === accessKeyId);
        if (key) return key.Status === 'Active' ? 'Active' : 'Inactive';
        marker = out.IsTruncated ? out.Marker : undefined;
      } while (marker);
      return undefined;
    },
    async setStatus({ userName, accessKeyId, status }) {
      await awsCall({ action: 'iam:UpdateAccessKey', resource: userArn(userName) }, () =>
        iam.send(
          new UpdateAccessKeyCommand({
            UserName: userName,
            AccessKeyId: accessKeyId,
            Status: status,
          }),
        ),
      );
    },
    async putDenyAll({ userName, policyName }) {
      await awsCall({ action: 'iam:PutUserPolicy', resource: userArn(userName) }, () =>
        iam.send(
          new PutUserPolicyCommand({
            UserName: userName,
            PolicyName: policyName,
            PolicyDocument: DENY_ALL_POLICY,
          }),
        ),
      );
    },
    async removeInlinePolicy({ userName, policyName }) {
      try {
        await iam.send(new DeleteUserPolicyCommand({ UserName: userName, PolicyName: policyName }));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw explainAwsError(error, {
          action: 'iam:DeleteUserPolicy',
          resource: userArn(userName),
        });
      }
    },
  };
}
