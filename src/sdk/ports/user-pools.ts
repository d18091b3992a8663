/** Cognito user pools: sign a user out everywhere, disable and enable the user. */

export interface PoolUserRef {
  userPoolId: string;
  username: string;
  region?: string;
}

export interface PoolUser {
  username: string;
  enabled: boolean;
  /** `CONFIRMED`, `FORCE_CHANGE_PASSWORD`, … (AdminGetUser `UserStatus`). */
  status: string;
}

export interface UserPoolsPort {
  /** AdminGetUser; undefined when there is no such user. */
  get(user: PoolUserRef): Promise<PoolUser | undefined>;
  /** AdminUserGlobalSignOut: every refresh token of the user stops working. */
  globalSignOut(user: PoolUserRef): Promise<void>;
  /** AdminDisableUser. */
  disable(user: PoolUserRef): Promise<void>;
  /** AdminEnableUser. */
  enable(user: PoolUserRef): Promise<void>;
}
