import { iamScenario } from '../test/helpers/iam-world.ts';
import { mockRds } from '../test/helpers/rds-mock.ts';

export default iamScenario(async (w) => {
  w.use(mockRds({ id: 'drop-db' }));
  await w.run('rds-snapshot-age', { db: 'drop-db' });
});
