import { describe, expect, it } from 'vitest';
import deploy from '../../commands/deploy.ts';
import rdsStatus from '../../commands/rds-status.ts';
import rollback from '../../commands/rollback.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { sandboxHttp } from '../../src/dev/sandbox/http.ts';
import { SandboxImages } from '../../src/dev/sandbox/images.ts';
import { SandboxRds } from '../../src/dev/sandbox/rds.ts';
import { SandboxServices } from '../../src/dev/sandbox/services.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { memoryDeploys } from '../helpers/memory-deploys.ts';
import { memoryMaintenance } from '../helpers/memory-maintenance.ts';
import { runCommand } from '../helpers/step-context.ts';

/** Local mode's stand-ins carry the whole guarded deploy of the example config, then a rollback. */
describe('sandbox RDS, ECR and deploys', () => {
  const file = exampleConfig();
  const t = file.targets as FileConfig['targets'] &
    Record<string, Record<string, Record<string, unknown>>>;
  for (const s of Object.values(t.services)) s.poll_interval_ms = 5;
  t.databases!['drop-db']!.poll_interval_ms = 5;
  const services = new SandboxServices({ rolloutMs: 30 });
  const repo = (t.deploys!.drop!.repository as string) ?? '';
  const maintenance = memoryMaintenance();
  const ports = {
    services,
    images: new SandboxImages(services, (ref) => (ref.type === 'apprunner' ? repo : undefined)),
    rds: new SandboxRds({ snapshotMs: 30 }),
    http: sandboxHttp(file),
    deploys: memoryDeploys(),
    maintenance: maintenance.port,
  } as unknown as Ports;

  it('deploy drop v42 --safe, then rollback drop, on the example config', async () => {
    const out = await runCommand(
      deploy,
      { service: 'drop', image: 'v42', safe: 'true' },
      { targets: t, ports },
    );
    expect(out.plan!.summary).toMatch(/^drop: v41 → sha256:[0-9a-f]{12} \(safe\)$/);
    expect(out.results['snapshot:wait-snapshot']).toMatchObject({ status: 'available' });
    expect(out.results.health).toMatchObject({ status: 'ok' });
    // The example wires targets.maintenance.drop: the run opened a window and closed it.
    expect(out.results['maintenance-start']).toMatchObject({ ours: true });
    expect(out.results['maintenance-end']).toMatchObject({ closed: true });
    expect(maintenance.ended.map((s) => s.window.service)).toEqual(['drop']);
    const back = await runCommand(
      rollback,
      { function: 'drop' },
      { targets: t, ports, runId: 'run-back' },
    );
    expect(back.plan!.summary).toMatch(/^drop: sha256:[0-9a-f]{12} → v41$/);
  });

  it('rds-status shows the sandbox database', async () => {
    const out = await runCommand(rdsStatus, { db: 'drop-db' }, { targets: t, ports });
    expect(out.posts[0]!.text).toBe('✓ drop-db: available');
  });
});
