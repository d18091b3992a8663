import { anyResource, iamUserResource, withContainment } from '../test/helpers/containment-iam.ts';
import { mockIam, mockSts } from '../test/helpers/containment-mocks.ts';
import { iamScenario } from '../test/helpers/iam-world.ts';

export default iamScenario(async (w) => {
  w.use(mockIam({ 'ci-deployer': { AKIAIOSFODNN7EXAMPLE: 'Inactive' } }), iamUserResource);
  w.use(mockSts(), anyResource);
  const world = withContainment(w);
  await world.ports.containment.record({
    requestId: 'req_0123456789abcdef',
    command: 'disable-access-key',
    subject: 'AKIAIOSFODNN7EXAMPLE',
    by: 'U0ALICE',
    at: '2026-12-01T00:00:00Z',
    facts: { user: 'ci-deployer', policy: 'opsbot-quarantine-req_0123456789abcdef' },
  });
  await w.run(
    'enable-access-key',
    { access_key_id: 'AKIAIOSFODNN7EXAMPLE', undo: 'req_0123456789abcdef' },
    world,
  );
});
