import { naclResource, wafResource, withContainment } from '../test/helpers/containment-iam.ts';
import { mockNacl, mockWaf } from '../test/helpers/containment-mocks.ts';
import { iamScenario } from '../test/helpers/iam-world.ts';

export default iamScenario(async (w) => {
  w.use(mockWaf(), wafResource);
  w.use(mockNacl(), naclResource);
  await w.run(
    'block-ip',
    { cidr: '203.0.113.7', target: 'edge', reason: 'abuse', ttl: '1h' },
    withContainment(w),
  );
  await w.run(
    'block-ip',
    { cidr: '203.0.113.7', target: 'vpc', reason: 'abuse' },
    withContainment(w),
  );
});
