import { noAwsCalls } from '../test/helpers/iam-world.ts';
import { memoryMaintenance } from '../test/helpers/memory-maintenance.ts';

/** Maintenance windows are opsbot's own state (Redis, BullMQ): no AWS call. */
export default noAwsCalls(async (w) => {
  const ports = { ...w.ports, maintenance: memoryMaintenance().port };
  await w.run('maintenance', { action: 'start', service: 'drop', reason: 'db upgrade' }, { ports });
  await w.run('maintenance', { action: 'list' }, { ports });
  await w.run('maintenance', { action: 'end', service: 'drop' }, { ports, runId: 'run-end' });
});
