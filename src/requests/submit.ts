/**
 * The old name of `EnqueueSubmission`, kept only for src/incidents, which imports it from here
 * (incidents: next round; switch it to `EnqueueSubmission` from ./submission.ts, then delete this file).
 */
export type { EnqueueSubmission as SubmitRequest } from './submission.ts';
