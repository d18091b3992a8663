import { DROP_ARN, iamScenario } from '../test/helpers/iam-world.ts';
import { mockAppRunner, mockEcs } from '../test/helpers/services-mock.ts';

export default iamScenario(async (w) => {
  w.use(mockEcs({ cluster: 'autostack', service: 'autostack-backend' }));
  await w.run('restart', { service: 'autostack-backend' });
  w.use(mockAppRunner({ serviceArn: DROP_ARN }));
  await w.run('restart', { service: 'drop' });
});
