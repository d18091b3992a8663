import { describe, expect, it } from 'vitest';
import { parseFileConfig } from '../../src/config/load.ts';
import { SectionConflict } from '../../src/config/sections.ts';
import { commands } from '../../src/registry/commands.ts';
import { type AnyCommand, defineCommand, z } from '../../src/sdk/index.ts';

const base = 'slack: { ops_channel: C0OPS }\n';

/** Sections default to empty, so a file without them still loads. */
const databases = z
  .record(
    z.string(),
    z.object({ identifier: z.string().min(1), engine: z.enum(['postgres', 'mysql']) }).strict(),
  )
  .default({});
const checklists = z.record(z.string(), z.array(z.string()).min(1)).default({});

/** A command as a new file in commands/ would declare it: its own sections. */
const restoreDb = defineCommand({
  name: 'restore-db',
  summary: 'x',
  args: z.object({}),
  policy: { default: { approvals: 0 } },
  config: { targets: { databases }, settings: { checklists }, recordKinds: ['snapshots'] },
  run: [],
});

const withRestore: AnyCommand[] = [...commands, restoreDb];

describe('a command owns its config sections', () => {
  it('its targets and top-level sections are validated with the rest of the file', () => {
    const { problems } = parseFileConfig(
      `${base}targets:\n  databases:\n    main: { identifier: db-1, engine: oracle }\nchecklists:\n  morning: []\n`,
      'x.yml',
      withRestore,
    );
    expect(problems.join('\n')).toContain('x.yml targets.databases.main.engine');
    expect(problems.join('\n')).toContain('x.yml checklists.morning');
  });

  it('a valid section is kept as its schema made it, defaults filled in', () => {
    const { file, problems } = parseFileConfig(
      `${base}targets:\n  databases:\n    main: { identifier: db-1, engine: postgres }\n`,
      'x.yml',
      withRestore,
    );
    expect(problems).toEqual([]);
    expect(file!.targets.databases).toEqual({ main: { identifier: 'db-1', engine: 'postgres' } });
    expect((file as Record<string, unknown>).checklists).toEqual({});
  });

  it('without the command, its section is not checked as one (it is not known)', () => {
    const { problems } = parseFileConfig(
      `${base}targets:\n  databases:\n    main: { identifier: db-1, engine: oracle }\n`,
      'x.yml',
      commands,
    );
    expect(problems).toEqual([]);
  });

  it('rotate-key, table-health and the record commands declare the sections they read', () => {
    const owned = (name: string) => commands.find((c) => c.name === name)?.config;
    expect(Object.keys(owned('rotate-key')?.targets ?? {})).toEqual(['rotate_key']);
    expect(Object.keys(owned('table-health')?.targets ?? {})).toEqual(['table_health']);
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
    const twin = { ...restoreDb, name: 'twin', config: { targets: { databases: z.object({}) } } };
    expect(() => parseFileConfig(base, 'x.yml', [restoreDb, twin])).toThrow(SectionConflict);
    expect(() =>
      parseFileConfig(base, 'x.yml', [restoreDb, { ...twin, config: restoreDb.config }]),
    ).not.toThrow();
    const core = { ...restoreDb, config: { targets: { lambda: z.object({}) } } };
    expect(() => parseFileConfig(base, 'x.yml', [core])).toThrow(/core configuration owns/);
  });
});
