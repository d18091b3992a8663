import { iamScenario } from '../test/helpers/iam-world.ts';
import { appendNotes, ledgerOver } from '../test/helpers/ledger-entries.ts';

export default iamScenario(async (w) => {
  const table = await w.ledger();
  await w.setup(() => appendNotes(table, ['e1', 'e2']));
  const ports = { ...w.ports, ledger: ledgerOver(table) };
  await w.run('audit', {}, { ports });
  await w.run('audit', { action: 'verify' }, { ports });
  await w.run('audit', { action: 'export', since: '1d' }, { ports });
});
