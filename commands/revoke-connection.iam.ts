import { iamScenario, recordTable } from '../test/helpers/iam-world.ts';

export default iamScenario(async (w) => {
  await recordTable(w, 'spaceduck-connections', [{ connection_id: 'conn_1', status: 'ACTIVE' }]);
  await w.run('revoke-connection', { connection_id: 'conn_1', reason: 'leaked token' });
});
