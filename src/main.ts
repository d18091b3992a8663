import { runAuditCli } from './cli/audit.ts';
import { printIamPolicy } from './cli/iam-policy.ts';
import { runLocal } from './cli/local.ts';
import { runBot } from './cli/run-bot.ts';
import { runSetup } from './cli/setup.ts';

/**
 * Without Slack settings, `npm start` opens local mode instead of failing, except in production
 * (`NODE_ENV=production`, as in the Docker image), where a missing token must stop the start with
 * the usual message naming every bad setting rather than quietly serve a sandbox.
 */
const startsLocal = () =>
  !process.env.SLACK_BOT_TOKEN &&
  !process.env.SLACK_APP_TOKEN &&
  process.env.NODE_ENV !== 'production';

/**
 * The entry point. The first word picks a subcommand; each lives in `src/cli/`. Add one by adding
 * a line here.
 */
const SUBCOMMANDS: Record<string, { summary: string; run(args: string[]): Promise<void> }> = {
  all: {
    summary:
      'run the HTTP receiver and a worker (default; local mode without Slack settings, outside production)',
    run: () => (startsLocal() ? runLocal() : runBot('all')),
  },
  web: { summary: 'run the HTTP receiver only', run: () => runBot('web') },
  worker: { summary: 'run a worker only', run: () => runBot('worker') },
  'iam-policy': {
    summary: 'print the IAM policy JSON the configured commands need',
    run: printIamPolicy,
  },
  setup: { summary: 'create the audit ledger table (DynamoDB or dynalite)', run: runSetup },
  audit: {
    summary: 'audit verify --file export.jsonl: verify an export offline',
    run: runAuditCli,
  },
  local: { summary: 'local mode: embedded Slack, AWS sandbox, web console', run: () => runLocal() },
};

async function main(argv: string[]) {
  const [name = 'all', ...rest] = argv;
  const subcommand = SUBCOMMANDS[name];
  if (!subcommand) {
    const lines = Object.entries(SUBCOMMANDS).map(([n, s]) => `  ${n.padEnd(14)} ${s.summary}`);
    console.error(`usage: opsbot <subcommand>\n${lines.join('\n')}`);
    process.exit(2);
  }
  await subcommand.run(rest);
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`opsbot: ${(error as Error).message}`);
  process.exit(1);
});
