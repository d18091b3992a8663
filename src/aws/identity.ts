import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { IdentityPort } from '../sdk/ports/access-keys.ts';
import { awsCall } from './errors.ts';

/** STS GetCallerIdentity (needs no permission), plus the access key id the client signs with. */
export function identityAdapter(sts: STSClient): IdentityPort {
  return {
    async whoAmI() {
      const out = await awsCall(
        { action: 'sts:GetCallerIdentity', resource: 'the bot itself' },
        () => sts.send(new GetCallerIdentityCommand({})),
      );
      const arn = out.Arn ?? '';
      const user = /^arn:aws[a-z-]*:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn);
      let accessKeyId: string | undefined;
      try {
        accessKeyId = (await sts.config.credentials()).accessKeyId;
      } catch {}
      return {
        account: out.Account ?? '',
        arn,
        ...(user ? { userName: user[1] } : {}),
        ...(accessKeyId ? { accessKeyId } : {}),
      };
    },
  };
}
