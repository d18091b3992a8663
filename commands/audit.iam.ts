import { appendExactlyOnce } from '../src/audit/append.ts';
import { ledgerPort } from '../src/audit/ledger-port.ts';
import { iamScenario } from '../test/helpers/iam-world.ts';
import { memoryFloors } from '../test/helpers/memory-floors.ts';

export default iamScenario(async (w) => {
  const table = await w.ledger();
  await w.setup(async () => {
    for (const id of ['e1', 'e2'])
      await appendExactlyOnce(table, memoryFloors(), {
        id,
        ts: new Date().toISOString(),
        actor: 'U0ALICE',
        action: 'operator.note',
      });
  });
  const aws = { ...w.aws, ledger: ledgerPort(table) };
  await w.run('audit', {}, { aws });
  await w.run('audit', { action: 'verify' }, { aws });
  await w.run('audit', { action: 'export', since: '1d' }, { aws });
});
