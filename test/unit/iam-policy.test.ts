import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildIamPolicy, type IamPolicy, printIamPolicy } from '../../src/cli/iam-policy.ts';
import { commands } from '../../src/registry/commands.ts';
import { exampleConfig } from '../helpers/harness.ts';

const LEDGER = {
  Sid: 'AuditLedger1',
  Effect: 'Allow',
  Action: ['dynamodb:PutItem', 'dynamodb:Query'],
  Resource: ['arn:aws:dynamodb:us-east-1:*:table/opsbot-audit'],
};

describe('opsbot iam-policy', () => {
  it('grants the audit ledger its appends and reads when audit.table is configured', () => {
    const { targets } = exampleConfig();
    const { policy, notes } = buildIamPolicy(commands, targets, 'us-east-1', {
      table: 'opsbot-audit',
    });
    expect(policy.Statement).toContainEqual(LEDGER);
    expect(notes.join('\n')).toContain('`opsbot setup` needs dynamodb:CreateTable');
    // The ledger's region, when given, wins over the bot's.
    const other = buildIamPolicy(commands, targets, 'us-east-1', {
      table: 'opsbot-audit',
      region: 'eu-west-1',
    });
    expect(other.policy.Statement.find((s) => s.Sid === 'AuditLedger1')!.Resource).toEqual([
      'arn:aws:dynamodb:eu-west-1:*:table/opsbot-audit',
    ]);
  });

  it('grants nothing on a ledger when none is configured', () => {
    const { policy } = buildIamPolicy(commands, exampleConfig().targets, 'us-east-1');
    expect(policy.Statement.map((s) => s.Sid)).not.toContain('AuditLedger1');
    expect(policy.Statement.flatMap((s) => s.Action)).not.toContain('dynamodb:PutItem');
  });

  it('states a permission two commands need once (restart and rotate-secret restart drop)', () => {
    const { policy } = buildIamPolicy(commands, exampleConfig().targets, 'us-east-1');
    const drop = policy.Statement.filter((s) => s.Action.includes('apprunner:StartDeployment'));
    expect(drop).toHaveLength(1);
    expect(drop[0]!.Sid).toMatch(/^Restart/);
  });

  it('the CLI prints the ledger statement for a config file with an audit section', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbot-iam-'));
    const path = join(dir, 'opsbot.yml');
    writeFileSync(
      path,
      `${readFileSync('opsbot.example.yml', 'utf8')}\naudit:\n  table: opsbot-audit\n`,
    );
    let stdout = '';
    const stderr: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    const error = vi.spyOn(console, 'error').mockImplementation((line) => {
      stderr.push(String(line));
    });
    vi.stubEnv('AWS_REGION', 'us-east-1');
    try {
      await printIamPolicy([path]);
    } finally {
      vi.unstubAllEnvs();
      write.mockRestore();
      error.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
    const policy = JSON.parse(stdout) as IamPolicy;
    expect(policy.Statement).toContainEqual(LEDGER);
    expect(stderr.join('\n')).toContain('audit ledger: `opsbot setup` needs');
  });
});
