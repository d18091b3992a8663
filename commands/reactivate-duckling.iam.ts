import { withContainment } from '../test/helpers/containment-iam.ts';
import { iamScenario, recordTable } from '../test/helpers/iam-world.ts';

export default iamScenario(async (w) => {
  await recordTable(w, 'spaceduck-ducklings', [
    { duckling_id: 'dk_paused', status: 'SUSPENDED', status_before_suspension: 'ACTIVE' },
  ]);
  await w.run('reactivate-duckling', { duckling_id: 'dk_paused' }, withContainment(w));
});
