import { noAwsCalls } from '../test/helpers/iam-world.ts';
import { memoryMaintenance } from '../test/helpers/memory-maintenance.ts';

/** Maintenance windows are opsbot's own state (Redis, BullMQ): no AWS call. */
export default noAwsCalls(async (w) => {
  const aws = { ...w.aws, maintenance: memoryMaintenance().port };
  await w.run('maintenance', { action: 'start', service: 'drop', reason: 'db upgrade' }, { aws });
  await w.run('maintenance', { action: 'list' }, { aws });
  await w.run('maintenance', { action: 'end', service: 'drop' }, { aws, runId: 'run-end' });
});
