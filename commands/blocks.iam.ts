import { withContainment } from '../test/helpers/containment-iam.ts';
import { noAwsCalls } from '../test/helpers/iam-world.ts';

// Lists what opsbot keeps in Redis: no AWS call.
export default noAwsCalls((w) => w.run('blocks', {}, withContainment(w)));
