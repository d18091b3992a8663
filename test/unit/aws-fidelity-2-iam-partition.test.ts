import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildIamPolicy } from '../../src/cli/iam-policy.ts';
import { commands } from '../../src/registry/commands.ts';
import { parseFileConfig } from '../../src/registry/load-config.ts';

/**
 * An ARN names its partition: `aws` in the commercial regions, `aws-cn` in cn-*, `aws-us-gov` in
 * us-gov-*. A policy for a bot in China or GovCloud whose ARNs say `arn:aws:` matches nothing, so
 * every call it was meant to allow is denied.
 */

const EXAMPLE = readFileSync('opsbot.example.yml', 'utf8');
const REGION = /\b(?:us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d(?!\d)/g;

/** The example config as an operator in `region` writes it: its regions, ARNs and ECR domain. */
function exampleIn(region: string, partition: string, ecrDomain: string, keep: string[] = []) {
  let text = EXAMPLE.replace(REGION, region)
    .replaceAll('arn:aws:', `arn:${partition}:`)
    .replaceAll('.amazonaws.com/', `.${ecrDomain}/`);
  for (const arn of keep) text = text.replace(arn.replace('arn:aws:', `arn:${partition}:`), arn);
  const { file, problems } = parseFileConfig(text, `opsbot.${region}.yml`);
  if (!file) throw new Error(problems.join('\n'));
  return file;
}

const resources = (region: string, file = exampleIn(region, 'aws', 'amazonaws.com')) =>
  buildIamPolicy(commands, file.targets, region, {
    table: 'opsbot-audit',
  }).policy.Statement.flatMap((s) => s.Resource);

const arns = (list: string[]) => list.filter((r) => r !== '*');

describe('opsbot iam-policy names the partition of the bot’s region', () => {
  it('aws-cn (cn-north-1): every ARN is arn:aws-cn:…', () => {
    const file = exampleIn('cn-north-1', 'aws-cn', 'amazonaws.com.cn');
    const list = arns(resources('cn-north-1', file));
    expect(list.length).toBeGreaterThan(20);
    expect(list.filter((r) => r.startsWith('arn:aws:'))).toEqual([]);
    expect(list.filter((r) => !r.startsWith('arn:aws-cn:'))).toEqual([]);
    expect(list).toContain('arn:aws-cn:iam::*:user/*');
    expect(list).toContain('arn:aws-cn:dynamodb:cn-north-1:*:table/opsbot-audit');
  });

  it('aws-us-gov (us-gov-west-1): every ARN is arn:aws-us-gov:…', () => {
    const file = exampleIn('us-gov-west-1', 'aws-us-gov', 'amazonaws.com');
    const list = arns(resources('us-gov-west-1', file));
    expect(list.filter((r) => r.startsWith('arn:aws:'))).toEqual([]);
    expect(list.filter((r) => !r.startsWith('arn:aws-us-gov:'))).toEqual([]);
    expect(list).toContain('arn:aws-us-gov:logs:us-gov-west-1:*:log-group:*');
  });

  it('an ARN written in the config keeps the partition it was written with', () => {
    const role = 'arn:aws:iam::123456789012:role/drop-apprunner-ecr';
    const file = exampleIn('cn-north-1', 'aws-cn', 'amazonaws.com.cn', [role]);
    const list = arns(resources('cn-north-1', file));
    expect(list.filter((r) => r.startsWith('arn:aws:'))).toEqual([role]);
  });

  it('the commercial partition is unchanged: arn:aws:…', () => {
    const list = arns(resources('us-east-1'));
    expect(list.filter((r) => !r.startsWith('arn:aws:'))).toEqual([]);
    expect(list).toContain('arn:aws:iam::*:user/*');
  });
});
