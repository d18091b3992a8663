import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SLASH_COMMAND } from '../../src/slack/ids.ts';

interface Manifest {
  features: {
    slash_commands: { command: string; url?: string; usage_hint?: string }[];
    bot_user: { display_name: string };
    app_home?: { messages_tab_enabled?: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
}

const manifest = parse(readFileSync('manifest.yml', 'utf8')) as Manifest;

describe('manifest.yml', () => {
  it('declares exactly the slash commands the app registers', () => {
    const commands = manifest.features.slash_commands.map((c) => c.command);
    expect(commands).toEqual(['/ops']);
    for (const command of commands) {
      expect(command.length).toBeLessThanOrEqual(32);
      expect(SLASH_COMMAND.test(command)).toBe(true);
    }
  });

  it('enables interactivity and names the scopes of the Web API methods opsbot calls', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    const scopes = manifest.oauth_config.scopes.bot;
    // chat.postMessage/update/postEphemeral → chat:write; usergroups.users.list → usergroups:read;
    // files.getUploadURLExternal → files:write; conversations.create/invite → channels:manage;
    // conversations.members (who may stop a follow) → channels:read, groups:read; users.info → users:read.
    for (const scope of [
      'commands',
      'chat:write',
      'usergroups:read',
      'files:write',
      'channels:manage',
      'channels:read',
      'groups:read',
      'users:read',
    ]) {
      expect(scopes).toContain(scope);
    }
    expect(typeof manifest.settings.socket_mode_enabled).toBe('boolean');
  });

  it('shows the app’s DM, where notes go when no ephemeral can be shown where /ops was typed', () => {
    expect(manifest.features.app_home?.messages_tab_enabled).toBe(true);
  });
});
