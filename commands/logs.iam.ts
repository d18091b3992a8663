import { iamScenario } from '../test/helpers/iam-world.ts';
import { mockLogs } from '../test/helpers/logs-mock.ts';

export default iamScenario(async (w) => {
  const now = Date.now();
  const logs = w.use(mockLogs({ events: () => [{ timestamp: now - 60_000, message: 'ERROR' }] }));
  await w.run('logs', { target: 'mission-control-api', since: '15m' });
  logs.live.update([{ timestamp: now, message: 'ERROR live' }]);
  await w.run('logs', { target: 'mission-control-api', follow: '1s' });
});
