import { withBotServices } from '../test/helpers/bot-services.ts';
import { noAwsCalls } from '../test/helpers/iam-world.ts';

/** The handoff reads opsbot's own state (Redis, the queue, the ledger's read side). */
export default noAwsCalls((w) => w.run('handoff', {}, { ports: withBotServices(w.ports) }));
