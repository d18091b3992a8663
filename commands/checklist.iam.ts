import { withBotServices } from '../test/helpers/bot-services.ts';
import { noAwsCalls } from '../test/helpers/iam-world.ts';

/** The checklist itself calls no AWS API; each check's command has its own scenario. */
export default noAwsCalls((w) =>
  w.run('checklist', { name: 'daily' }, { ports: withBotServices(w.ports) }),
);
