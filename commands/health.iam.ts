import { noAwsCalls } from '../test/helpers/iam-world.ts';

/** GETs over HTTP only (the HTTP port), no AWS API. */
export default noAwsCalls((w) =>
  w.run(
    'health',
    { service: 'api' },
    { ports: { ...w.ports, http: { get: async (url) => ({ url, status: 200, ms: 1 }) } } },
  ),
);
