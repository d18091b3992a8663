import { iamScenario, recordTable } from '../test/helpers/iam-world.ts';

export default iamScenario(async (w) => {
  await recordTable(w, 'spaceduck-certs', [
    { cert_id: 'cert_1', status: 'VALID', duckling_id: 'dk_1' },
  ]);
  await w.run('expire-cert', { cert_id: 'cert_1', reason: 'key compromised' });
});
