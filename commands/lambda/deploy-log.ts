import { configSection, type StepContext } from '../../src/sdk/index.ts';
import { deployLogChannelSchema, deployLogSchema } from '../lib/deploy-log-config.ts';

/**
 * Mission Control playbook 1 step 5, "Record in deploy log … with the version, operator name, and
 * UTC timestamp": each promote and rollback goes to `deploy_log_channel` (one line with a link to
 * the request's thread) and, with `deploy_log.github`, is appended to a file in a Git repository
 * (GitHub contents API, one commit). Both are optional; a retried run does not add a line twice to
 * the file (the line carries the request id).
 */

export interface DeployLogEntry {
  kind: 'promote' | 'rollback';
  function: string;
  alias: string;
  from: string | null;
  to: string;
  at: string;
}

type Ctx = Pick<
  StepContext<unknown>,
  'targets' | 'ports' | 'output' | 'request' | 'runId' | 'progress'
>;

export function deployLogLine(entry: DeployLogEntry, ctx: Pick<Ctx, 'request' | 'runId'>) {
  return `${entry.at} ${entry.kind} ${entry.function}:${entry.alias} ${entry.from ?? '?'} → ${entry.to} by ${ctx.request.requester} (request ${ctx.request.id}, run ${ctx.runId})`;
}

/**
 * The alias has moved by the time this runs: a deploy log that cannot be written is a ⚠ note on
 * the step (and in its result), not a failed promote.
 */
export async function writeDeployLog(ctx: Ctx, entry: DeployLogEntry) {
  const out: { channel?: string; github?: string; problems?: string[] } = {};
  const problem = (where: string, error: unknown) => {
    const note = `⚠ deploy log not written to ${where}: ${(error as Error).message}`;
    ctx.progress(note);
    out.problems = [...(out.problems ?? []), note];
  };
  const line = deployLogLine(entry, ctx);
  const channel = configSection(ctx.targets, 'deploy_log_channel', deployLogChannelSchema);
  if (channel && ctx.output.announce) {
    const link = await ctx.output.link?.();
    try {
      await ctx.output.announce(channel, {
        text: line,
        blocks: [
          {
            type: 'rows',
            rows: [{ text: line, ...(link ? { link: { url: link, label: 'request' } } : {}) }],
          },
        ],
      });
      out.channel = channel;
    } catch (error) {
      problem(channel, error);
    }
  }
  const github = configSection(ctx.targets, 'deploy_log', deployLogSchema).github;
  if (github && ctx.ports.repoFiles) {
    const done = await ctx.ports.repoFiles
      .appendLine(
        {
          apiUrl: github.api_url,
          repo: github.repo,
          path: github.path,
          branch: github.branch,
          tokenSecret: github.token_secret,
          region: github.region,
        },
        {
          line: `- ${line}`,
          message: `deploy log: ${entry.kind} ${entry.function}:${entry.alias} ${entry.from ?? '?'} → ${entry.to} (${ctx.request.id})`,
        },
      )
      .catch((error: unknown) => problem(`${github.repo}:${github.path}`, error));
    if (done) {
      out.github = done.already
        ? `${github.repo}:${github.path} already had this entry`
        : `${github.repo}:${github.path}${done.commit ? ` @ ${done.commit.slice(0, 7)}` : ''}`;
    }
  }
  return out;
}

/** IAM: the GitHub token's secret. */
export function deployLogStatements(targets: StepContext<unknown>['targets'], region: string) {
  const github = configSection(targets, 'deploy_log', deployLogSchema).github;
  if (!github) return [];
  const arn = github.token_secret.startsWith('arn:')
    ? github.token_secret
    : `arn:aws:secretsmanager:${github.region ?? region}:*:secret:${github.token_secret}-??????`;
  return [{ actions: ['secretsmanager:GetSecretValue'], resources: [arn] }];
}
