import { describe, expect, it } from 'vitest';
import expireCert from '../../commands/expire-cert.ts';
import revokeConnection from '../../commands/revoke-connection.ts';
import rotateKey from '../../commands/rotate-key.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { commands } from '../../src/registry/commands.ts';
import { parseFileConfig } from '../../src/registry/load-config.ts';
import { exampleConfig } from '../helpers/harness.ts';

/** The IAM each delivery mode needs: admin_api writes no record itself, and reads its key. */
function adminTargets(): FileConfig['targets'] {
  const targets = exampleConfig().targets;
  targets.record_actions = {
    ...targets.record_actions,
    via: 'admin_api',
    admin_api: {
      url: 'https://mission-control.example.com/beak/admin',
      key_secret: 'mission-control/admin-api-key',
      header: 'Authorization',
      scheme: 'Bearer',
      region: 'us-east-1',
      timeout_ms: 5000,
    },
    app_audit: {
      table: 'spaceduck-audit',
      index: 'subject_id-index',
      subject_attribute: 'subject_id',
      event_attribute: 'event',
      time_attribute: 'ts',
      id_attribute: 'event_id',
      wait_seconds: 60,
      poll_ms: 2000,
      events: {
        rotate_key: 'duck.key_rotated',
        revoke_connection: 'duck.connection_revoked',
        expire_cert: 'duck.cert_expired',
      },
    },
    notify: {
      via: 'ses',
      from: 'ops@spaceduck.example.com',
      template: 'spaceduck',
      email_attribute: 'email',
    },
  };
  return targets;
}

const actions = (statements: { actions: string[] }[]) => statements.flatMap((s) => s.actions);

describe('IAM for the record commands', () => {
  it('via admin_api: the admin key, the audit index and SES; no record writes', () => {
    const targets = adminTargets();
    for (const command of [rotateKey, revokeConnection, expireCert]) {
      const statements = command.permissions!(targets, 'us-east-1');
      expect(actions(statements)).not.toContain('dynamodb:UpdateItem');
      expect(statements).toContainEqual({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [
          'arn:aws:secretsmanager:us-east-1:*:secret:mission-control/admin-api-key-??????',
        ],
      });
      expect(statements).toContainEqual({
        actions: ['dynamodb:Query'],
        resources: ['arn:aws:dynamodb:us-east-1:*:table/spaceduck-audit/index/subject_id-index'],
      });
      expect(actions(statements)).toContain('ses:SendEmail');
    }
    // rotate-key's own Secrets Manager delivery is not used: the app delivers the key.
    expect(actions(rotateKey.permissions!(targets, 'us-east-1'))).not.toContain(
      'secretsmanager:PutSecretValue',
    );
  });

  it('via dynamodb: the conditional writes, no admin key', () => {
    const targets = exampleConfig().targets;
    for (const command of [rotateKey, revokeConnection, expireCert]) {
      const statements = command.permissions!(targets, 'us-east-1');
      expect(actions(statements)).toContain('dynamodb:UpdateItem');
      expect(JSON.stringify(statements)).not.toContain('admin-api-key');
    }
  });
});

describe('targets.record_actions when the configuration loads', () => {
  const base = 'slack: { ops_channel: C0OPS }\n';
  it('via: admin_api without its admin_api section stops the start, naming the path', () => {
    const { problems } = parseFileConfig(
      `${base}targets:\n  record_actions: { via: admin_api }\n`,
      'x.yml',
      commands,
    );
    expect(problems).toEqual([
      'x.yml targets.record_actions.admin_api: via: admin_api needs an admin_api section (url, key_secret)',
    ]);
  });

  it('both modes load, with defaults', () => {
    const admin = parseFileConfig(
      `${base}targets:\n  record_actions:\n    via: admin_api\n    admin_api: { url: "https://mc.example.com/beak/admin", key_secret: mc/admin }\n`,
      'x.yml',
      commands,
    );
    expect(admin.problems).toEqual([]);
    expect((admin.file!.targets as Record<string, unknown>).record_actions).toMatchObject({
      via: 'admin_api',
      admin_api: { header: 'Authorization', scheme: 'Bearer', timeout_ms: 5000 },
    });
    expect(parseFileConfig(`${base}targets: {}\n`, 'x.yml', commands).problems).toEqual([]);
  });
});
