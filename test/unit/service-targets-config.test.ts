import { describe, expect, it } from 'vitest';
import { parseFileConfig } from '../../src/registry/load-config.ts';

const base = `slack: { ops_channel: C0OPS }\n`;

describe('config: services, endpoints and table_health targets', () => {
  it('reads the example wiring with defaults for polling', () => {
    const { file } = parseFileConfig(
      `${base}targets:\n  services:\n    api: { type: ecs, cluster: c, service: s }\n`,
      'x.yml',
    );
    expect(file?.targets.services.api).toMatchObject({
      timeout_seconds: 600,
      poll_interval_ms: 5000,
    });
    // The section table-health owns (its `config`), defaulted when the file loads.
    expect((file!.targets.table_health as { tables: unknown }).tables).toEqual([]);
  });

  it('names the field when a service, endpoint or table is malformed', () => {
    const { problems } = parseFileConfig(
      `${base}targets:\n  services:\n    drop: { type: apprunner, service_arn: drop }\n  endpoints:\n    api: { health_url: ftp://x }\n  table_health: { tables: [a] }\n`,
      'x.yml',
    );
    expect(problems.join('\n')).toContain(
      'x.yml targets.services.drop.service_arn: an App Runner service ARN',
    );
    expect(problems.join('\n')).toContain('targets.endpoints.api.health_url');
    expect(problems.join('\n')).toContain('targets.table_health.tables.0: a DynamoDB table name');
  });
});
