/** Every action, block and view id opsbot uses, in one place. */
export const ACTION = {
  approve: 'request.approve',
  deny: 'request.deny',
  cancel: 'request.cancel',
  acknowledgeEmergency: 'request.acknowledge_emergency',
  stopFollow: 'logs.stop_follow',
  incidentAcknowledge: 'incident.acknowledge',
  incidentResolve: 'incident.resolve',
  incidentEscalate: 'incident.escalate',
  incidentRunbook: 'incident.runbook',
  /** Guided runbook card buttons (the value names the execution and the step). */
  runbookDone: 'runbook.done',
  runbookSkip: 'runbook.skip',
  runbookRetry: 'runbook.retry',
  runbookAbort: 'runbook.abort',
  /** Prefix of a command button's action id (`command.run.0`): ids must differ within one block. */
  runCommand: 'command.run',
} as const;

export const VIEW = {
  commandForm: 'command_form',
  denyReason: 'deny_reason',
  runbookSkip: 'runbook_skip',
} as const;

/** Block and element ids inside opsbot's modals. */
export const BLOCK = {
  /** Prefix of a command form's input block; the argument name follows. */
  formArgPrefix: 'arg.',
  formValue: 'value',
  denyReason: 'deny_reason',
  denyReasonValue: 'reason',
  skipReason: 'skip_reason',
  skipReasonValue: 'reason',
} as const;

export const SLASH_COMMAND = /^\/ops(?:-[a-z]+)?$/;
