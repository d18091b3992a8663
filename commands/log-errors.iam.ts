import { iamScenario } from '../test/helpers/iam-world.ts';
import { mockLogs } from '../test/helpers/logs-mock.ts';

/** FilterLogEvents over the window, every page. */
export default iamScenario(async (w) => {
  const now = Date.now();
  w.use(mockLogs({ events: () => [{ timestamp: now - 60_000, message: 'ERROR boom' }] }));
  await w.run('log-errors', { target: 'mantissa-log-detector' });
});
