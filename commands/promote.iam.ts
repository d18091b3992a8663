import { iamScenario } from '../test/helpers/iam-world.ts';
import { mockLambda } from '../test/helpers/lambda-mock.ts';

export default iamScenario(async (w) => {
  w.use(mockLambda({ versions: ['42', '43'], current: '42' }));
  await w.run('promote', { function: 'mission-control-api', version: '43' });
});
