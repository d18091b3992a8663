/** Who may ask for a command, who must approve it, and for how long a request stays open. */
export interface Policy {
  /** Groups whose members may request the command. Empty means anyone in an allowed channel. */
  requesters: string[];
  /** Channel ids the command may be used from. Empty means any channel (cards and runs still go to the ops channel). */
  channels: string[];
  /** How many distinct people, none of them the requester, must approve. */
  approvals: 0 | 1 | 2;
  /** Groups the approvers must come from. */
  approverGroups: string[];
  /** Minutes a request stays open before it expires. */
  ttlMinutes: number;
  /** Whether `--emergency` may skip approval. */
  breakGlass: boolean;
  /** Groups whose members may use break-glass. Empty means nobody. */
  breakGlassGroups: string[];
}

export type PolicyOverride = Partial<Policy>;

/** A command's default policy: a base, plus overrides per environment (`prod`, `staging`, ...). */
export interface PolicyDefaults {
  default: PolicyOverride;
  environments?: Record<string, PolicyOverride>;
}

export const BASE_POLICY: Policy = {
  requesters: [],
  channels: [],
  approvals: 0,
  approverGroups: [],
  ttlMinutes: 30,
  breakGlass: false,
  breakGlassGroups: [],
};

/**
 * The group every built-in policy that needs an approval names. The bot does not start when the
 * config does not define it (or overrides the policy's `approver_groups`).
 */
export const DEFAULT_APPROVER_GROUP = 'operators';

/**
 * The group that may request commands which read what the bot's role can see beyond a single
 * resource (log events, the audit ledger): `logs` and `audit` name it in `requesters`, and the bot
 * does not start when the config does not define it (or overrides the policy's `requesters`).
 */
export const DEFAULT_REQUESTER_GROUP = DEFAULT_APPROVER_GROUP;
