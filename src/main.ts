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
 * a line here. Each is imported only when chosen: a web or worker process never loads local mode
 * (the Slack emulator, the AWS sandbox, dynalite, a devDependency absent from the image).
 */
const SUBCOMMANDS: Record<string, { summary: string; run(args: string[]): Promise<void> }> = {
  all: {
    summary:
      'run the HTTP receiver and a worker (default; local mode without Slack settings, outside production)',
    run: async () =>
      startsLocal()
        ? (await import('./cli/local.ts')).runLocal()
        : (await import('./cli/run-bot.ts')).runBot('all'),
  },
  web: {
    summary: 'run the HTTP receiver only',
    run: async () => (await import('./cli/run-bot.ts')).runBot('web'),
  },
  worker: {
    summary: 'run a worker only',
    run: async () => (await import('./cli/run-bot.ts')).runBot('worker'),
  },
  'iam-policy': {
    summary: 'print the IAM policy JSON the configured commands need',
    run: async (args) => (await import('./cli/iam-policy.ts')).printIamPolicy(args),
  },
  setup: {
    summary: 'create the audit ledger table (DynamoDB or dynalite)',
    run: async (args) => (await import('./cli/setup.ts')).runSetup(args),
  },
  audit: {
    summary: 'audit verify --file export.jsonl: verify an export offline',
    run: async (args) => (await import('./cli/audit.ts')).runAuditCli(args),
  },
  local: {
    summary: 'local mode: embedded Slack, AWS sandbox, web console',
    run: async () => (await import('./cli/local.ts')).runLocal(),
  },
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
