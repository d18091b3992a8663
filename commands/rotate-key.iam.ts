import { expect } from 'vitest';
import { requestToken } from '../src/sdk/index.ts';
import { iamScenario, recordTable } from '../test/helpers/iam-world.ts';
import { mockSecrets } from '../test/helpers/secrets-mock.ts';

export default iamScenario(async (w) => {
  await recordTable(w, 'spaceduck-ducklings', [
    { duckling_id: 'dk_new', status: 'ACTIVE' },
    { duckling_id: 'dk_existing', status: 'ACTIVE' },
    { duckling_id: 'dk_retry', status: 'ACTIVE' },
  ]);
  const sm = w.use(mockSecrets('us-east-1'));
  sm.add('ducklings/dk_existing/api-key');
  // A retried run whose first attempt staged the key but crashed before activating it.
  sm.add('ducklings/dk_retry/api-key').versions.push({
    id: requestToken('req-test', 'rotate-key'),
    value: 'stored-by-the-first-attempt',
    stages: ['AWSPENDING'],
  });
  // Create; Put (AWSPENDING) then UpdateSecretVersionStage; GetSecretValue then the same.
  for (const id of ['dk_new', 'dk_existing', 'dk_retry'])
    await w.run('rotate-key', { duckling_id: id });
  expect(sm.current('ducklings/dk_existing/api-key')!.value).not.toBe('initial-value');
  expect(sm.current('ducklings/dk_retry/api-key')!.value).toBe('stored-by-the-first-attempt');
});
