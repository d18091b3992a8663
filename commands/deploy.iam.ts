import { DROP_ARN, iamScenario } from '../test/helpers/iam-world.ts';
import { mockEcr, withAppRunnerImage } from '../test/helpers/images-mock.ts';
import { memoryMaintenance } from '../test/helpers/memory-maintenance.ts';
import { mockRds } from '../test/helpers/rds-mock.ts';
import { mockAppRunner } from '../test/helpers/services-mock.ts';

const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/drop-web';

export default iamScenario(async (w) => {
  w.use(mockEcr({ registryId: '123456789012', repository: 'drop-web', region: 'eu-west-1' }));
  const ar = w.use(mockAppRunner({ serviceArn: DROP_ARN }));
  withAppRunnerImage(ar, `${REPO}:v41`);
  await w.run('deploy', { service: 'drop', image: 'v42' });
  // --safe adds a snapshot of drop-db (its health check is HTTP only; its maintenance window is
  // opsbot's own, in Redis).
  w.use(mockRds({ id: 'drop-db' })).state.progress = [0];
  const targets = structuredClone(w.targets) as typeof w.targets &
    Record<string, Record<string, Record<string, unknown>>>;
  targets.databases!['drop-db']!.poll_interval_ms = 1;
  targets.deploys!.drop!.health_timeout_seconds = 0.01;
  const http = {
    get: async (url: string) => ({ url, status: 200, ms: 1, json: { checks: { db: 'ok' } } }),
  };
  await w.run(
    'deploy',
    { service: 'drop', image: '9f3c2ab', safe: 'true' },
    { targets, ports: { ...w.ports, http, maintenance: memoryMaintenance().port } },
  );
});
