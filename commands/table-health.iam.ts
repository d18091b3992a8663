import { metricAlarm, mockCloudWatch } from '../test/helpers/cloudwatch-mock.ts';
import { ensureTable, iamScenario } from '../test/helpers/iam-world.ts';
import { configured } from './table-health.ts';

export default iamScenario(async (w) => {
  await w.setup(async () => {
    for (const t of configured(w.targets).tables) await ensureTable(w, t);
  });
  w.use(mockCloudWatch({ series: () => 1, alarms: [metricAlarm('eggs', 'spaceduck-eggs', 'OK')] }));
  await w.run('table-health', {});
});
