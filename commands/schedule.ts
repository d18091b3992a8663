import { botService, defineCommand, step, UserError, z } from '../src/sdk/index.ts';
import { scheduleListMessage } from './schedule/render.ts';

/**
 * `/ops schedule list|run|pause|resume <name>`. Listing is open to anyone; running, pausing and
 * resuming are for operators (the `change` environment's policy) and land in the audit ledger.
 * Pause state is kept in Redis, so it survives restarts.
 */
const args = z.object({
  action: z.enum(['list', 'run', 'pause', 'resume']).describe('list, run, pause or resume'),
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'a schedule name from config')
    .optional()
    .describe('Schedule (a name under schedules: in config); not for list'),
});

type Args = z.output<typeof args>;

export default defineCommand({
  name: 'schedule',
  summary: 'List schedules (next and last run), or run, pause or resume one (operators)',
  args,
  positional: ['action', 'name'],
  policy: {
    default: { requesters: ['operators'] },
    environments: { list: { requesters: [] } },
  },
  environment: (a: Args) => (a.action === 'list' ? 'list' : 'change'),
  validate(a: Args) {
    if (a.action !== 'list' && !a.name)
      return [{ field: 'name', message: `which schedule to ${a.action}` }];
    if (a.action === 'list' && a.name)
      return [{ field: 'name', message: 'list takes no schedule name' }];
    return [];
  },
  run: [
    step<Args>(
      'act',
      'List or change the schedule',
      async ({ args: a, ports, request, record, output }) => {
        const schedules = botService(ports, 'schedules');
        if (a.action === 'list') {
          await output.post(scheduleListMessage(await schedules.list()));
          return { listed: true };
        }
        const name = a.name!;
        if (a.action === 'run') {
          const requestId = await schedules.runNow(name, request.requester);
          record('schedule.run', { schedule: name, request_id: requestId });
          await output.post({ text: `Asked for a run of ${name} now (${requestId}).` });
          return { requestId };
        }
        const pause = a.action === 'pause';
        const changed = await schedules.setPaused(name, pause);
        if (!changed)
          throw new UserError('unchanged', `${name} is already ${pause ? 'paused' : 'running'}`);
        record(pause ? 'schedule.paused' : 'schedule.resumed', { schedule: name });
        await output.post({
          text: pause
            ? `Paused ${name}: its occurrences are skipped until \`/ops schedule resume ${name}\`.`
            : `Resumed ${name}: it fires at its next occurrence.`,
        });
        return { paused: pause };
      },
    ),
  ],
});
