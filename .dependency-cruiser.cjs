/**
 * opsbot's import rules (issue 15), checked by `npm run deps` as part of `npm test`.
 *
 * Data flows one way: Slack → intake → requests (policy, approvals) → queue → run (steps through
 * ports) → notify → audit. `depcruise-baseline.json` lists known violations, which `npm run deps`
 * ignores; it is empty, and test/unit/architecture.test.ts keeps it so. Fix a violation rather than
 * regenerating the file with `npm run deps:baseline`.
 */

/**
 * Who may use src/slack: Slack itself, the entry that wires the roles, and developer tooling
 * (src/dev). Every other folder (requests, run, queue, incidents, alerts, audit, config, and notify,
 * the way out to Slack, …) hands neutral views on instead: requests and runs define renderer ports
 * that src/slack/blocks implements and src/roles hands over.
 */
const MAY_USE_SLACK = ['^src/slack/', '^src/roles/', '^src/dev/'];

module.exports = {
  forbidden: [
    {
      name: 'commands-only-sdk',
      comment:
        'A command imports only the SDK (src/sdk), commands/lib and its own sub-folder. ' +
        'Its IAM scenario (commands/*.iam.ts) may also use test/helpers.',
      severity: 'error',
      from: { path: '^commands/', pathNot: '\\.iam\\.ts$' },
      to: {
        path: '^(src|test)/',
        pathNot: '^src/sdk/',
      },
    },
    {
      name: 'iam-scenarios-only-sdk-and-test-helpers',
      comment: 'An IAM scenario (commands/*.iam.ts) imports the SDK, test/helpers and commands.',
      severity: 'error',
      from: { path: '^commands/.+\\.iam\\.ts$' },
      to: { path: '^(src|test)/', pathNot: ['^src/sdk/', '^test/helpers/'] },
    },
    {
      name: 'only-slack-imports-slack-sdk',
      comment: 'Slack lives in one place: only src/slack imports @slack/*.',
      severity: 'error',
      from: { path: '^(src|commands)/', pathNot: '^src/slack/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-peer', 'npm-optional'], path: '@slack/' },
    },
    {
      name: 'only-aws-imports-aws-sdk',
      comment:
        'AWS lives in one place: only src/aws imports @aws-sdk/*. src/dev/sandbox fakes AWS for ' +
        'the local console; src/dev/local/dynamo.ts seeds the local dynalite tables with the ' +
        'document client (developer tooling that is never part of a deployed bot).',
      severity: 'error',
      from: {
        path: '^(src|commands)/',
        pathNot: ['^src/aws/', '^src/dev/sandbox/', '^src/dev/local/dynamo\\.ts$'],
      },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-peer', 'npm-optional'], path: '@aws-sdk/' },
    },
    {
      name: 'domain-does-not-render-slack',
      comment:
        'Domain folders return neutral views and outcomes; src/slack renders them through the ' +
        'renderer ports src/roles hands over. src/notify, the way out to Slack, does not use it either.',
      severity: 'error',
      from: { path: '^src/', pathNot: MAY_USE_SLACK },
      to: { path: '^src/slack/' },
    },
    {
      name: 'requests-do-not-import-run',
      comment:
        'A request is handed on to the run, never the other way round: src/run may read the ' +
        'request types, src/requests never imports src/run.',
      severity: 'error',
      from: { path: '^src/requests/' },
      to: { path: '^src/run/' },
    },
    {
      name: 'no-circular',
      comment:
        'No import cycles between modules. (Folder-level cycles are checked by ' +
        'test/unit/architecture.test.ts with test/helpers/folder-graph.ts, which sets the ' +
        'composition root, src/roles, aside.)',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^node_modules', '\\.d\\.ts$'] },
    includeOnly: { path: ['^src/', '^commands/', '^test/helpers/', 'node_modules'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
