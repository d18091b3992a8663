/** Every Redis key opsbot writes outside BullMQ, in one place, all under one prefix. */
export function keys(prefix: string) {
  return {
    submission: (key: string) => `${prefix}:submission:${key}`,
    /** Submissions handed from the web role to the workers (a stream; entries go once handled). */
    submissions: () => `${prefix}:submissions`,
    request: (id: string) => `${prefix}:request:${id}`,
    requestApprovals: (id: string) => `${prefix}:request:${id}:approvals`,
    requestsPending: () => `${prefix}:requests:pending`,
    emergenciesUnacknowledged: () => `${prefix}:requests:emergency`,
    /** Approved requests whose run may not be queued yet (score = approved at; the sweeper checks). */
    requestsApproved: () => `${prefix}:requests:approved`,
    runSteps: (runId: string) => `${prefix}:run:${runId}:steps`,
    runMessage: (runId: string) => `${prefix}:run:${runId}:message`,
    runState: (runId: string) => `${prefix}:run:${runId}:state`,
    runStop: (runId: string) => `${prefix}:run:${runId}:stop`,
    /** A value one command keeps across its runs (table-health's last row counts). */
    commandMemory: (command: string, name: string) => `${prefix}:memory:${command}:${name}`,
    /** A member's runs queued or running (a sorted set: run id → when queued, ms). */
    userRuns: (user: string) => `${prefix}:user:${user}:runs`,
    /** A member's requests in the current minute (a counter that lapses with the minute). */
    userRequests: (user: string) => `${prefix}:user:${user}:requests`,
    lock: (resource: string) => `${prefix}:lock:${resource}`,
    /** Live workers (a sorted set: worker id → when its heartbeat lapses, Redis time in ms). */
    workers: () => `${prefix}:workers`,
    deployOrder: (fn: string, alias: string) => `${prefix}:deploys:${fn}:${alias}:order`,
    deployEntries: (fn: string, alias: string) => `${prefix}:deploys:${fn}:${alias}:entries`,
    /** Audit entries waiting for the ledger writer (a list, oldest first). */
    auditPending: () => `${prefix}:audit:pending`,
    /** Lowest seq an append of each waiting entry was tried at (entry id → seq). */
    auditFloors: () => `${prefix}:audit:floors`,
    /** Which process drains the audit list (a lease). */
    auditWriter: () => `${prefix}:audit:writer`,
    /** The last head posted to the audit anchor channel (a hash: seq, at ms). */
    auditAnchor: () => `${prefix}:audit:anchor`,
    incident: (id: string) => `${prefix}:incident:${id}`,
    incidentByKey: (keyHash: string) => `${prefix}:incident-key:${keyHash}`,
    incidentsOpen: () => `${prefix}:incidents:open`,
    alertDelivery: (deliveryId: string) => `${prefix}:alert-delivery:${deliveryId}`,
    /** A generic webhook signature already received (its digest), kept for the replay window. */
    webhookSignature: (digest: string) => `${prefix}:webhook-signature:${digest}`,
    /** Schedules an operator paused (a set of names; survives restarts). */
    schedulesPaused: () => `${prefix}:schedules:paused`,
    /** A schedule's last run: occurrence, request id, ✓/⚠/✗, summary, link (a hash). */
    scheduleLast: (name: string) => `${prefix}:schedule:${name}:last`,
    /** Which schedule occurrence a request came from, and how late it fired (request id → hash). */
    scheduledRequest: (requestId: string) => `${prefix}:scheduled-request:${requestId}`,
    /** The previous results of a checklist, for "changed since the last run". */
    checklistLast: (name: string) => `${prefix}:checklist:${name}:last`,
    /** A containment action (block-ip, disable-access-key, …) and what undid it, by request id. */
    containmentAction: (requestId: string) => `${prefix}:containment:${requestId}`,
    /** The addresses opsbot blocks now (a hash: `<target>|<cidr>` → who, why, expiry). */
    activeBlocks: () => `${prefix}:blocks`,
    /** What an unblock request lifted (its `lift` answer, kept for a retried run). */
    blockLift: (requestId: string) => `${prefix}:blocks:lift:${requestId}`,
    /** Set once the expiry note of a block is posted (its request id). */
    blockExpiryNote: (requestId: string) => `${prefix}:blocks:expired-note:${requestId}`,
    /** Open maintenance windows (a hash: service → window id). */
    maintenanceOpen: () => `${prefix}:maintenance:open`,
    /** A maintenance window (a hash: `window` JSON, `status`, `ended` JSON, once-only claims). */
    maintenanceWindow: (id: string) => `${prefix}:maintenance:${id}`,
    /** The runs made on a window's service while it was open (run id → JSON). */
    maintenanceRuns: (id: string) => `${prefix}:maintenance:${id}:runs`,
    /** The incidents posted muted in a window (incident id → title). */
    maintenanceMuted: (id: string) => `${prefix}:maintenance:${id}:muted`,
  };
}

export type Keys = ReturnType<typeof keys>;

/** Seconds that run bookkeeping (step checkpoints, message ids) is kept after a run. */
export const RUN_STATE_TTL_SECONDS = 7 * 24 * 3600;
