import type { GuidedCardPort } from '../guided/engine.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import { simple } from './blocks/replies.ts';
import { runbookCard } from './blocks/runbook-card.ts';

/** The runbook card and its thread, in Slack. */
export function slackGuidedCard(writer: SlackWriter): GuidedCardPort {
  return {
    async post(channel, view, threadTs) {
      return (await writer.post(channel, runbookCard(view), threadTs)).ts;
    },
    update: (channel, ts, view) => writer.update(channel, ts, runbookCard(view)),
    async reply(channel, threadTs, text) {
      await writer.post(channel, simple(text), threadTs);
    },
  };
}
