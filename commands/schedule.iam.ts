import { withBotServices } from '../test/helpers/bot-services.ts';
import { noAwsCalls } from '../test/helpers/iam-world.ts';

/** Schedules live in Redis and BullMQ. */
export default noAwsCalls(async (w) => {
  await w.run('schedule', { action: 'list' }, { ports: withBotServices(w.ports) });
  await w.run(
    'schedule',
    { action: 'pause', name: 'drop-daily' },
    { ports: withBotServices(w.ports) },
  );
});
