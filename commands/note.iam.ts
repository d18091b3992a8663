import { noAwsCalls } from '../test/helpers/iam-world.ts';

export default noAwsCalls((w) => w.run('note', { text: 'restarted the db by hand' }));
