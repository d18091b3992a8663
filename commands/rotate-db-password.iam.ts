import { DROP_ARN, iamScenario } from '../test/helpers/iam-world.ts';
import { mockRds } from '../test/helpers/rds-mock.ts';
import { mockSecrets } from '../test/helpers/secrets-mock.ts';
import { mockAppRunner } from '../test/helpers/services-mock.ts';

export default iamScenario(async (w) => {
  w.use(mockRds({ id: 'drop-db' }));
  w.use(mockSecrets('eu-west-1')).add(
    'drop/production/database-url',
    'postgres://dropuser:old@drop-db.example.eu-west-1.rds.amazonaws.com:5432/dropapp',
  );
  w.use(mockAppRunner({ serviceArn: DROP_ARN }));
  const targets = structuredClone(w.targets) as typeof w.targets & {
    databases: Record<string, { poll_interval_ms: number }>;
  };
  targets.databases['drop-db']!.poll_interval_ms = 1;
  const http = {
    get: async (url: string) => ({ url, status: 200, ms: 1, json: { checks: { db: 'ok' } } }),
  };
  await w.run('rotate-db-password', { db: 'drop-db' }, { targets, ports: { ...w.ports, http } });
});
