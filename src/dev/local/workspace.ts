import type { FileConfig } from '../../config/file.ts';
import type { WorkspaceState } from '../slack-emulator/state.ts';

/** The people of the local workspace, matching the example config's groups. */
export const LOCAL_USERS = [
  { id: 'U0ALICE', name: 'alice', role: 'requester (operators)' },
  { id: 'U0JOSH', name: 'josh', role: 'approver (t-josh, oncall)' },
  { id: 'U0MALLORY', name: 'mallory', role: 'outsider (no group)' },
  { id: 'U0BOB', name: 'bob', role: 'requester (operators)' },
  { id: 'U0JANE', name: 'jane', role: 'approver (t-josh)' },
] as const;

export interface LocalChannel {
  id: string;
  name: string;
}

/** #ops and #incidents, with the ids the config names. */
export function localChannels(file: FileConfig): LocalChannel[] {
  const channels = [{ id: file.slack.ops_channel, name: 'ops' }];
  const incidents = file.slack.incidents_channel;
  if (incidents && incidents !== file.slack.ops_channel)
    channels.push({ id: incidents, name: 'incidents' });
  return channels;
}

/** Fills the emulated workspace: channels, users, and every Slack user group the config names. */
export function seedWorkspace(state: WorkspaceState, file: FileConfig) {
  const members = LOCAL_USERS.map((u) => u.id);
  for (const channel of localChannels(file)) state.addChannel(channel.id, channel.name, members);
  for (const user of LOCAL_USERS) state.addUser(user.id, user.name);
  for (const [name, group] of Object.entries(file.groups)) {
    if ('usergroup' in group) state.setUsergroup(group.usergroup, name, ['U0JOSH']);
  }
}
