import { describe, expect, it } from 'vitest';
import { commands } from '../../src/registry/commands.ts';
import { SectionConflict } from '../../src/registry/config-sections.ts';
import { parseFileConfig } from '../../src/registry/load-config.ts';
import { type AnyCommand, defineCommand, z } from '../../src/sdk/index.ts';

const base = 'slack: { ops_channel: C0OPS }\n';

/** Sections default to empty, so a file without them still loads. */
const replicas = z
  .record(
    z.string(),
    z.object({ identifier: z.string().min(1), engine: z.enum(['postgres', 'mysql']) }).strict(),
  )
  .default({});
const windows = z.record(z.string(), z.array(z.string()).min(1)).default({});

/** A command as a new file in commands/ would declare it: its own sections. */
const restoreDb = defineCommand({
  name: 'restore-db',
  summary: 'x',
  args: z.object({}),
  policy: { default: { approvals: 0 } },
  config: {
    targets: { replicas },
    settings: { maintenance_windows: windows },
    recordKinds: ['snapshots'],
  },
  run: [],
});

const withRestore: AnyCommand[] = [...commands, restoreDb];

describe('a command owns its config sections', () => {
  it('its targets and top-level sections are validated with the rest of the file', () => {
    const { problems } = parseFileConfig(
      `${base}targets:\n  replicas:\n    main: { identifier: db-1, engine: oracle }\nmaintenance_windows:\n  morning: []\n`,
      'x.yml',
      withRestore,
    );
    expect(problems.join('\n')).toContain('x.yml targets.replicas.main.engine');
    expect(problems.join('\n')).toContain('x.yml maintenance_windows.morning');
  });

  it('a valid section is kept as its schema made it, defaults filled in', () => {
    const { file, problems } = parseFileConfig(
      `${base}targets:\n  replicas:\n    main: { identifier: db-1, engine: postgres }\n`,
      'x.yml',
      withRestore,
    );
    expect(problems).toEqual([]);
    expect(file!.targets.replicas).toEqual({ main: { identifier: 'db-1', engine: 'postgres' } });
    expect((file as Record<string, unknown>).maintenance_windows).toEqual({});
  });

  it('without the command, its section is not checked as one (it is not known)', () => {
    const { problems } = parseFileConfig(
      `${base}targets:\n  replicas:\n    main: { identifier: db-1, engine: oracle }\n`,
      'x.yml',
      commands,
    );
    expect(problems).toEqual([]);
  });

  it('rotate-key, table-health and the record commands declare the sections they read', () => {
    const owned = (name: string) => commands.find((c) => c.name === name)?.config;
    expect(Object.keys(owned('rotate-key')?.targets ?? {})).toEqual([
      'rotate_key',
      'record_actions',
    ]);
    expect(Object.keys(owned('table-health')?.targets ?? {})).toEqual(['table_health']);
    expect(Object.keys(owned('revoke-connection')?.targets ?? {})).toEqual(['record_actions']);
    expect(Object.keys(owned('promote')?.targets ?? {})).toEqual([
      'deploy_log_channel',
      'deploy_log',
    ]);
    expect(owned('revoke-connection')?.recordKinds).toEqual(['connections']);
    const { problems } = parseFileConfig(
      `${base}targets:\n  tables:\n    t1: { holds: snapshots }\n`,
      'x.yml',
    );
    expect(problems).toEqual([
      'x.yml targets.tables.t1.holds: no command changes "snapshots" records (known: certs, connections, ducklings)',
    ]);
    expect(
      parseFileConfig(`${base}targets:\n  tables:\n    t1: { holds: snapshots }\n`, 'x.yml', [
        ...withRestore,
      ]).problems,
    ).toEqual([]);
  });

  it('two commands may not declare one section differently, nor take a core name', () => {
    const twin = { ...restoreDb, name: 'twin', config: { targets: { replicas: z.object({}) } } };
    expect(() => parseFileConfig(base, 'x.yml', [restoreDb, twin])).toThrow(SectionConflict);
    expect(() =>
      parseFileConfig(base, 'x.yml', [restoreDb, { ...twin, config: restoreDb.config }]),
    ).not.toThrow();
    const core = { ...restoreDb, config: { targets: { lambda: z.object({}) } } };
    expect(() => parseFileConfig(base, 'x.yml', [core])).toThrow(/core configuration owns/);
  });
});
