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
    lock: (resource: string) => `${prefix}:lock:${resource}`,
    workerHeartbeat: (workerId: string) => `${prefix}:worker:${workerId}`,
    workerHeartbeats: () => `${prefix}:worker:*`,
    deployOrder: (fn: string, alias: string) => `${prefix}:deploys:${fn}:${alias}:order`,
    deployEntries: (fn: string, alias: string) => `${prefix}:deploys:${fn}:${alias}:entries`,
    /** Audit entries waiting for the ledger writer (a list, oldest first). */
    auditPending: () => `${prefix}:audit:pending`,
    /** Lowest seq an append of each waiting entry was tried at (entry id → seq). */
    auditFloors: () => `${prefix}:audit:floors`,
    /** Which process drains the audit list (a lease). */
    auditWriter: () => `${prefix}:audit:writer`,
    incident: (id: string) => `${prefix}:incident:${id}`,
    incidentByKey: (keyHash: string) => `${prefix}:incident-key:${keyHash}`,
    incidentsOpen: () => `${prefix}:incidents:open`,
    alertDelivery: (deliveryId: string) => `${prefix}:alert-delivery:${deliveryId}`,
  };
}

export type Keys = ReturnType<typeof keys>;

/** Seconds that run bookkeeping (step checkpoints, message ids) is kept after a run. */
export const RUN_STATE_TTL_SECONDS = 7 * 24 * 3600;
