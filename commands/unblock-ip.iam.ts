import { naclResource, wafResource, withContainment } from '../test/helpers/containment-iam.ts';
import { mockNacl, mockWaf } from '../test/helpers/containment-mocks.ts';
import { iamScenario } from '../test/helpers/iam-world.ts';

export default iamScenario(async (w) => {
  w.use(mockWaf({ addresses: ['203.0.113.7/32'] }), wafResource);
  w.use(
    mockNacl({
      entries: [
        {
          RuleNumber: 10,
          Protocol: '-1',
          RuleAction: 'deny',
          Egress: false,
          CidrBlock: '203.0.113.7/32',
        },
      ],
    }),
    naclResource,
  );
  await w.run('unblock-ip', { cidr: '203.0.113.7', target: 'edge' }, withContainment(w));
  await w.run('unblock-ip', { cidr: '203.0.113.7', target: 'vpc' }, withContainment(w));
});
