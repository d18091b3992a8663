import { withBotServices } from '../test/helpers/bot-services.ts';
import { noAwsCalls } from '../test/helpers/iam-world.ts';

/** Schedules live in Redis and BullMQ. */
export default noAwsCalls(async (w) => {
  await w.run('schedule', { action: 'list' }, { aws: withBotServices(w.aws) });
  await w.run('schedule', { action: 'pause', name: 'drop-daily' }, { aws: withBotServices(w.aws) });
});
