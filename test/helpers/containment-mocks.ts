import {
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  EC2Client,
  type NetworkAclEntry,
} from '@aws-sdk/client-ec2';
import {
  DeleteUserPolicyCommand,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetIPSetCommand, UpdateIPSetCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import { mockClient } from 'aws-sdk-client-mock';
import { awsError } from './aws-errors.ts';

export const ACCOUNT = '123456789012';

/**
 * A WAFv2 IP set with AWS's shapes: GetIPSet returns the set and a LockToken, UpdateIPSet replaces
 * the addresses only with the current token (else WAFOptimisticLockException) and returns a new one.
 * `beforeUpdate` runs just before an update is judged (to change the set under a caller).
 */
export function mockWaf(options: { addresses?: string[]; description?: string } = {}) {
  const mock = mockClient(WAFV2Client);
  const state = {
    addresses: [...(options.addresses ?? [])],
    token: 1,
    updates: 0,
    conflicts: 0,
    beforeUpdate: undefined as (() => void) | undefined,
  };
  const lockToken = () => `0f3c2a4e-6d1b-4c4e-9b0a-${String(state.token).padStart(12, '0')}`;
  mock.on(GetIPSetCommand).callsFake((input: { Name: string; Id: string; Scope: string }) => ({
    IPSet: {
      Name: input.Name,
      Id: input.Id,
      ARN: `arn:aws:wafv2:us-east-1:${ACCOUNT}:regional/ipset/${input.Name}/${input.Id}`,
      Description: options.description,
      IPAddressVersion: 'IPV4',
      Addresses: [...state.addresses],
    },
    LockToken: lockToken(),
  }));
  mock.on(UpdateIPSetCommand).callsFake((input: { Addresses: string[]; LockToken: string }) => {
    state.beforeUpdate?.();
    if (input.LockToken !== lockToken()) {
      state.conflicts++;
      throw awsError(
        'WAFOptimisticLockException',
        'AWS WAF couldn’t save your changes because someone changed the resource after you started to edit it. Reapply your changes.',
      );
    }
    state.addresses = [...input.Addresses];
    state.token++;
    state.updates++;
    return { NextLockToken: lockToken() };
  });
  /** Someone else adds an address (the token changes), as a concurrent console edit would. */
  const otherWriter = (address: string) => {
    state.addresses.push(address);
    state.token++;
  };
  return { mock, state, otherWriter };
}

/**
 * One network ACL with AWS's shapes: DescribeNetworkAcls lists its entries (with the default `*`
 * rule 32767 both ways), CreateNetworkAclEntry fails with NetworkAclEntryAlreadyExists on a taken
 * number, DeleteNetworkAclEntry with InvalidNetworkAclEntry.NotFound on a missing one.
 */
export function mockNacl(options: { id?: string; entries?: NetworkAclEntry[] } = {}) {
  const id = options.id ?? 'acl-0a1b2c3d4e5f67890';
  const mock = mockClient(EC2Client);
  const state = {
    entries: [
      {
        RuleNumber: 100,
        Protocol: '-1',
        RuleAction: 'allow',
        Egress: false,
        CidrBlock: '0.0.0.0/0',
      },
      {
        RuleNumber: 32767,
        Protocol: '-1',
        RuleAction: 'deny',
        Egress: false,
        CidrBlock: '0.0.0.0/0',
      },
      {
        RuleNumber: 100,
        Protocol: '-1',
        RuleAction: 'allow',
        Egress: true,
        CidrBlock: '0.0.0.0/0',
      },
      {
        RuleNumber: 32767,
        Protocol: '-1',
        RuleAction: 'deny',
        Egress: true,
        CidrBlock: '0.0.0.0/0',
      },
      ...(options.entries ?? []),
    ] as NetworkAclEntry[],
    /** Runs just before a create is judged (to take a number under a caller). */
    beforeCreate: undefined as (() => void) | undefined,
    created: [] as number[],
  };
  mock.on(DescribeNetworkAclsCommand).callsFake((input: { NetworkAclIds?: string[] }) => ({
    NetworkAcls: input.NetworkAclIds?.includes(id)
      ? [
          {
            NetworkAclId: id,
            VpcId: 'vpc-12345678',
            IsDefault: false,
            OwnerId: ACCOUNT,
            Associations: [],
            Tags: [],
            Entries: state.entries.map((e) => ({ ...e })),
          },
        ]
      : [],
  }));
  mock
    .on(CreateNetworkAclEntryCommand)
    .callsFake((input: NetworkAclEntry & { NetworkAclId: string }) => {
      state.beforeCreate?.();
      if (
        state.entries.some((e) => e.RuleNumber === input.RuleNumber && e.Egress === input.Egress)
      ) {
        throw awsError(
          'NetworkAclEntryAlreadyExists',
          `The network acl entry identified by ${input.RuleNumber} already exists.`,
        );
      }
      const { NetworkAclId: _, ...entry } = input;
      state.entries.push(entry);
      state.created.push(input.RuleNumber!);
      return {};
    });
  mock
    .on(DeleteNetworkAclEntryCommand)
    .callsFake((input: { RuleNumber: number; Egress: boolean }) => {
      const index = state.entries.findIndex(
        (e) => e.RuleNumber === input.RuleNumber && e.Egress === input.Egress,
      );
      if (index < 0)
        throw awsError(
          'InvalidNetworkAclEntry.NotFound',
          `The network acl entry identified by ${input.RuleNumber} does not exist.`,
        );
      state.entries.splice(index, 1);
      return {};
    });
  return { mock, state, id };
}

interface MockUser {
  keys: Record<string, 'Active' | 'Inactive'>;
  policies: Record<string, string>;
}

/**
 * IAM users with access keys and inline policies, with AWS's shapes. Unknown keys and users fail
 * with NoSuchEntityException (404).
 */
export function mockIam(users: Record<string, Record<string, 'Active' | 'Inactive'>>) {
  const mock = mockClient(IAMClient);
  const state: Record<string, MockUser> = Object.fromEntries(
    Object.entries(users).map(([name, keys]) => [name, { keys: { ...keys }, policies: {} }]),
  );
  const ownerOf = (keyId: string) => Object.entries(state).find(([, u]) => keyId in u.keys)?.[0];
  const user = (name: string) => {
    const u = state[name];
    if (!u)
      throw awsError('NoSuchEntityException', `The user with name ${name} cannot be found.`, 404);
    return u;
  };
  mock.on(GetAccessKeyLastUsedCommand).callsFake((input: { AccessKeyId: string }) => {
    const owner = ownerOf(input.AccessKeyId);
    if (!owner)
      throw awsError(
        'NoSuchEntityException',
        `The Access Key with id ${input.AccessKeyId} cannot be found`,
        404,
      );
    return {
      UserName: owner,
      AccessKeyLastUsed: {
        LastUsedDate: new Date('2026-11-30T22:14:00Z'),
        ServiceName: 's3',
        Region: 'us-east-1',
      },
    };
  });
  mock.on(ListAccessKeysCommand).callsFake((input: { UserName: string }) => ({
    UserName: input.UserName,
    AccessKeyMetadata: Object.entries(user(input.UserName).keys).map(([id, status]) => ({
      UserName: input.UserName,
      AccessKeyId: id,
      Status: status,
      CreateDate: new Date('2026-01-02T03:04:05Z'),
    })),
    IsTruncated: false,
  }));
  mock
    .on(UpdateAccessKeyCommand)
    .callsFake(
      (input: { UserName: string; AccessKeyId: string; Status: 'Active' | 'Inactive' }) => {
        const u = user(input.UserName);
        if (!(input.AccessKeyId in u.keys))
          throw awsError(
            'NoSuchEntityException',
            `The Access Key with id ${input.AccessKeyId} cannot be found`,
            404,
          );
        u.keys[input.AccessKeyId] = input.Status;
        return {};
      },
    );
  mock
    .on(PutUserPolicyCommand)
    .callsFake((input: { UserName: string; PolicyName: string; PolicyDocument: string }) => {
      user(input.UserName).policies[input.PolicyName] = input.PolicyDocument;
      return {};
    });
  mock.on(DeleteUserPolicyCommand).callsFake((input: { UserName: string; PolicyName: string }) => {
    const u = user(input.UserName);
    if (!(input.PolicyName in u.policies))
      throw awsError(
        'NoSuchEntityException',
        `The user policy with name ${input.PolicyName} cannot be found.`,
        404,
      );
    delete u.policies[input.PolicyName];
    return {};
  });
  return { mock, state };
}

/** STS GetCallerIdentity for the bot: an IAM user or an assumed role. */
export function mockSts(arn = `arn:aws:sts::${ACCOUNT}:assumed-role/opsbot/worker`) {
  const mock = mockClient(STSClient);
  mock.on(GetCallerIdentityCommand).resolves({
    UserId: arn.includes(':user/') ? 'AIDAJQABLZS4A3QDU576Q' : 'AROA3XFRBF535PLBIFPI4:worker',
    Account: ACCOUNT,
    Arn: arn,
  });
  return { mock };
}

/** Cognito users (pool id → username → enabled), with AWS's shapes and UserNotFoundException. */
export function mockCognito(pools: Record<string, Record<string, boolean>>) {
  const mock = mockClient(CognitoIdentityProviderClient);
  const state = {
    pools: structuredClone(pools),
    signedOut: [] as string[],
  };
  const find = (input: { UserPoolId: string; Username: string }) => {
    const pool = state.pools[input.UserPoolId];
    if (!pool)
      throw awsError('ResourceNotFoundException', `User pool ${input.UserPoolId} does not exist.`);
    if (!(input.Username in pool)) throw awsError('UserNotFoundException', 'User does not exist.');
    return pool;
  };
  mock.on(AdminGetUserCommand).callsFake((input: { UserPoolId: string; Username: string }) => {
    const pool = find(input);
    return {
      Username: input.Username,
      Enabled: pool[input.Username],
      UserStatus: 'CONFIRMED',
      UserAttributes: [{ Name: 'sub', Value: '6b2f1b4e-0000-4000-8000-000000000001' }],
      UserCreateDate: new Date('2026-01-01T00:00:00Z'),
      UserLastModifiedDate: new Date('2026-11-01T00:00:00Z'),
    };
  });
  mock
    .on(AdminUserGlobalSignOutCommand)
    .callsFake((input: { UserPoolId: string; Username: string }) => {
      find(input);
      state.signedOut.push(`${input.UserPoolId}/${input.Username}`);
      return {};
    });
  mock.on(AdminDisableUserCommand).callsFake((input: { UserPoolId: string; Username: string }) => {
    find(input)[input.Username] = false;
    return {};
  });
  mock.on(AdminEnableUserCommand).callsFake((input: { UserPoolId: string; Username: string }) => {
    find(input)[input.Username] = true;
    return {};
  });
  return { mock, state };
}
