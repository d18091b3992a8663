import type { RequestRenderer } from '../../requests/request-notices.ts';
import { planFailed, planReply } from './plan-reply.ts';
import { awaitingApprovalIn, QUEUE_UNREACHABLE, queuedIn, simple } from './replies.ts';
import { emergencyReminder, requestCard } from './request-card.ts';

/** The request flow's notices as Block Kit (src/roles hands this to src/requests). */
export const requestRenderer: RequestRenderer = {
  card: (view) => requestCard(view),
  emergencyReminder: (view) => emergencyReminder(view),
  plan: planReply,
  planFailed,
  awaitingApprovalIn,
  queuedIn,
  queueUnreachable: QUEUE_UNREACHABLE,
  text: simple,
};
