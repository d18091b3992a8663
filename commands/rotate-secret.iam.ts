import { DROP_ARN, iamScenario } from '../test/helpers/iam-world.ts';
import { mockSecrets } from '../test/helpers/secrets-mock.ts';
import { mockAppRunner } from '../test/helpers/services-mock.ts';

export default iamScenario(async (w) => {
  w.use(mockSecrets('eu-west-1')).add('drop/jwt-secret');
  w.use(mockAppRunner({ serviceArn: DROP_ARN })); // the consumer restarted in the same run
  await w.run('rotate-secret', { secret: 'jwt-secret' });
});
