import { iamScenario } from '../test/helpers/iam-world.ts';
import { tfLockTable } from '../test/helpers/tf-lock-table.ts';

export default iamScenario(async (w) => {
  await w.setup(() =>
    tfLockTable(w.dynamodb, 'autostack-tf-locks', {
      id: 'lock-1',
      created: new Date(Date.now() - 3_600_000).toISOString(),
    }),
  );
  await w.run('tf-lock', { action: 'show' });
  await w.run('tf-lock', { action: 'release', subject: 'lock-1', reason: 'stale' });
});
