import type { FileConfig } from '../config/file.ts';
import { own } from '../util/own.ts';

/** Looks up the members of a Slack user group (`usergroups.users.list`). */
export type UsergroupLookup = (usergroup: string) => Promise<string[]>;

interface Cached {
  users: Set<string>;
  at: number;
}

/**
 * Resolves group membership: a group is a list of user ids or a Slack user group. User groups are
 * cached for at most `cacheMs`; `fresh` (a button click) fetches again, sharing a fetch already in
 * flight so fifty simultaneous clicks make one call.
 */
export class GroupResolver {
  private readonly cache = new Map<string, Cached>();
  private readonly inFlight = new Map<string, Promise<Set<string>>>();

  constructor(
    private readonly groups: FileConfig['groups'],
    private readonly lookup: UsergroupLookup,
    private readonly cacheMs = 5 * 60_000,
  ) {}

  /** True when `user` is in any of `names`. An unknown group name matches nobody. */
  async isMember(user: string, names: string[], options: { fresh?: boolean } = {}) {
    for (const name of names) {
      const group = own(this.groups, name);
      if (!group) continue;
      if (group.schedules?.some((schedule) => user === `schedule:${schedule}`)) return true;
      if ('users' in group) {
        if (group.users.includes(user)) return true;
        continue;
      }
      const members = await this.usergroup(group.usergroup, options.fresh ?? false);
      if (members.has(user)) return true;
    }
    return false;
  }

  private async usergroup(id: string, fresh: boolean): Promise<Set<string>> {
    const cached = this.cache.get(id);
    if (!fresh && cached && Date.now() - cached.at < this.cacheMs) return cached.users;
    const pending = this.inFlight.get(id);
    if (pending) return pending;
    const fetching = this.lookup(id)
      .then((users) => {
        const entry = { users: new Set(users), at: Date.now() };
        this.cache.set(id, entry);
        return entry.users;
      })
      .finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, fetching);
    return fetching;
  }
}

/** "t-josh or oncall", for messages. */
export function groupList(names: string[]): string {
  return names.length ? names.join(' or ') : 'anyone';
}
