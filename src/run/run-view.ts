/** Everything a run's progress message shows. A plain value: the renderer turns it into blocks. */
export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';
export type RunStatus = 'queued' | 'running' | 'waiting' | 'retrying' | 'done' | 'failed';

export interface StepView {
  name: string;
  title: string;
  status: StepStatus;
  startedAt?: number;
  ms?: number;
  note?: string;
}

export interface RunView {
  runId: string;
  requestId: string;
  command: string;
  argsText: string;
  requester: string;
  environment: string;
  plan?: string;
  status: RunStatus;
  steps: StepView[];
  attempt: number;
  emergency?: boolean;
  note?: string;
  error?: { code: string; message: string; step?: string };
  startedAt: number;
  finishedAt?: number;
}

export function newRunView(
  base: Omit<RunView, 'status' | 'steps' | 'attempt' | 'startedAt'>,
  steps: { name: string; title: string }[],
  attempt: number,
  now: number,
): RunView {
  return {
    ...base,
    status: 'running',
    attempt,
    startedAt: now,
    steps: steps.map((s) => ({ name: s.name, title: s.title, status: 'pending' })),
  };
}
