import { userPoolResource, withContainment } from '../test/helpers/containment-iam.ts';
import { mockCognito } from '../test/helpers/containment-mocks.ts';
import { iamScenario } from '../test/helpers/iam-world.ts';

export default iamScenario(async (w) => {
  w.use(mockCognito({ 'us-east-1_AbCdEf123': { mallory: false } }), userPoolResource);
  await w.run('enable-user', { username: 'mallory', pool: 'customers' }, withContainment(w));
});
