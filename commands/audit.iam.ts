import { iamScenario } from '../test/helpers/iam-world.ts';
import { appendNotes, ledgerOver } from '../test/helpers/ledger-entries.ts';

export default iamScenario(async (w) => {
  const table = await w.ledger();
  await w.setup(() => appendNotes(table, ['e1', 'e2']));
  const aws = { ...w.aws, ledger: ledgerOver(table) };
  await w.run('audit', {}, { aws });
  await w.run('audit', { action: 'verify' }, { aws });
  await w.run('audit', { action: 'export', since: '1d' }, { aws });
});
