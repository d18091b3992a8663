import { anyResource, iamUserResource, withContainment } from '../test/helpers/containment-iam.ts';
import { mockIam, mockSts } from '../test/helpers/containment-mocks.ts';
import { iamScenario } from '../test/helpers/iam-world.ts';

export default iamScenario(async (w) => {
  w.use(mockIam({ 'ci-deployer': { AKIAIOSFODNN7EXAMPLE: 'Active' } }), iamUserResource);
  w.use(mockSts(), anyResource);
  await w.run(
    'disable-access-key',
    { access_key_id: 'AKIAIOSFODNN7EXAMPLE', reason: 'leaked', deny_all: 'true' },
    withContainment(w),
  );
});
