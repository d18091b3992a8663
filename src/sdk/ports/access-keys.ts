/** IAM access keys: find a key's owner, deactivate or reactivate it, quarantine its user. Never delete. */

export interface AccessKeyUse {
  accessKeyId: string;
  /** The IAM user the key belongs to (GetAccessKeyLastUsed `UserName`). */
  userName: string;
  /** When the key was last used (ISO 8601); absent when it never was. */
  lastUsedAt?: string;
  /** The service and region of that last use (`s3`, `us-east-1`); `N/A` when never used. */
  service?: string;
  region?: string;
}

export interface AccessKeysPort {
  /** Owner and last use of a key (GetAccessKeyLastUsed); undefined when AWS knows no such key. */
  lastUsed(accessKeyId: string): Promise<AccessKeyUse | undefined>;
  /** `Active` or `Inactive` (ListAccessKeys of its user); undefined when the user has no such key. */
  status(input: {
    userName: string;
    accessKeyId: string;
  }): Promise<'Active' | 'Inactive' | undefined>;
  /** UpdateAccessKey. Setting the status it already has is a no-op in AWS. */
  setStatus(input: {
    userName: string;
    accessKeyId: string;
    status: 'Active' | 'Inactive';
  }): Promise<void>;
  /** PutUserPolicy: an inline policy that denies every action on every resource (overwrites one of that name). */
  putDenyAll(input: { userName: string; policyName: string }): Promise<void>;
  /** DeleteUserPolicy; true when it existed, false when it was already gone. */
  removeInlinePolicy(input: { userName: string; policyName: string }): Promise<boolean>;
}

/** Who the bot is (STS GetCallerIdentity), so it never disables its own credentials. */
export interface CallerIdentity {
  account: string;
  arn: string;
  /** The IAM user name when the bot runs as an IAM user (`arn:aws:iam::…:user/<name>`). */
  userName?: string;
  /** The access key id of the credentials the bot signs with, when it can tell. */
  accessKeyId?: string;
}

export interface IdentityPort {
  whoAmI(): Promise<CallerIdentity>;
}
