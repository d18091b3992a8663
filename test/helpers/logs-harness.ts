import { awsAdapters } from '../../src/aws/adapters.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { logsSettingsSchema } from '../../src/config/logs.ts';
import type { EmulatedMessage } from '../../src/dev/slack-emulator/state.ts';
import { exampleConfig, type Harness, messageText, waitFor } from './harness.ts';
import { type MockEvent, mockLogs } from './logs-mock.ts';
import { memoryDeploys } from './memory-deploys.ts';

/** The example config, optionally changing the logs settings. */
export function logsConfig(
  settings: Partial<NonNullable<FileConfig['targets']['logs_settings']>> = {},
) {
  const file = exampleConfig();
  file.targets.logs_settings = logsSettingsSchema.parse({
    allow_raw_log_groups: false,
    follow_max_minutes: 30,
    live_tail: true,
    ...settings,
  });
  return file;
}

/** A mocked CloudWatch Logs behind the real adapter, over a store of events the test fills. */
export function logsWorld(pageSize = 10_000, emptyEvery = 3) {
  const store: MockEvent[] = [];
  const logs = mockLogs({ events: () => store, pageSize, emptyEvery });
  return {
    store,
    logs,
    aws: { ...awsAdapters('us-east-1', { deploys: memoryDeploys() }), logs: logs.port },
  };
}

/** The top-level run message of a `logs` request, and its thread. */
export function runThread(h: Harness, nth = 0) {
  const parents = h.slack.state
    .channelMessages('C0OPS')
    .filter((m) => !m.thread_ts && m.text.includes('logs'));
  const parent = parents[nth];
  if (!parent) return undefined;
  return { parent, replies: h.slack.state.channelMessages('C0OPS', parent.ts) };
}

export async function waitForReply(
  h: Harness,
  what: string,
  match: (m: EmulatedMessage) => boolean,
  nth = 0,
  timeoutMs = 15_000,
) {
  return waitFor(what, () => runThread(h, nth)?.replies.find(match), timeoutMs);
}

export const textOf = (m: EmulatedMessage) => messageText(m);
