import { DROP_ARN, iamScenario } from '../test/helpers/iam-world.ts';
import { mockAppRunner, mockEcs } from '../test/helpers/services-mock.ts';

/** ECS DescribeServices and App Runner DescribeService. */
export default iamScenario(async (w) => {
  w.use(mockEcs({ cluster: 'autostack', service: 'autostack-backend' }));
  await w.run('service-status', { service: 'autostack-backend' });
  w.use(mockAppRunner({ serviceArn: DROP_ARN }));
  await w.run('service-status', { service: 'drop' });
});
