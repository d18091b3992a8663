import { noAwsCalls } from '../test/helpers/iam-world.ts';

// The command only reaches the guided runbook engine; each step's command has its own scenario.
export default noAwsCalls((w) =>
  w.run(
    'runbook',
    { line: 'list' },
    {
      guided: {
        list: () => [],
        active: async () => [],
        start: () => Promise.reject(new Error('not started in the IAM scenario')),
      },
    },
  ),
);
