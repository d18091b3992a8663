import { withContainment } from '../test/helpers/containment-iam.ts';
import { iamScenario, recordTable } from '../test/helpers/iam-world.ts';

export default iamScenario(async (w) => {
  await recordTable(w, 'spaceduck-ducklings', [{ duckling_id: 'dk_abuse', status: 'ACTIVE' }]);
  await w.run(
    'suspend-duckling',
    { duckling_id: 'dk_abuse', reason: 'scraping' },
    withContainment(w),
  );
});
