import { iamScenario } from '../test/helpers/iam-world.ts';
import { mockRds } from '../test/helpers/rds-mock.ts';

export default iamScenario(async (w) => {
  w.use(mockRds({ id: 'drop-db' })).state.progress = [0];
  const targets = structuredClone(w.targets) as typeof w.targets & {
    databases: Record<string, { poll_interval_ms: number }>;
  };
  targets.databases['drop-db']!.poll_interval_ms = 1;
  await w.run('rds-snapshot', { db: 'drop-db', reason: 'pre-deploy' }, { targets });
});
