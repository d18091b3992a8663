import type { RdsPort } from '../../src/sdk/index.ts';
import { PermanentError } from '../../src/sdk/index.ts';

/** The RDS port, which every process that runs commands provides. */
export function rdsOf(ports: { rds?: RdsPort }): RdsPort {
  if (!ports.rds) throw new PermanentError('no_rds_port', 'this process has no RDS port');
  return ports.rds;
}
