import { noAwsCalls } from '../test/helpers/iam-world.ts';

export default noAwsCalls((w) =>
  w.run('incidents', {}, { incidents: { listOpen: async () => [] } }),
);
