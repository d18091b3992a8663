/** Every Redis key opsbot writes outside BullMQ, in one place, all under one prefix. */
export function keys(prefix: string) {
  return {
    submission: (key: string) => `${prefix}:submission:${key}`,
    request: (id: string) => `${prefix}:request:${id}`,
    runSteps: (runId: string) => `${prefix}:run:${runId}:steps`,
    runMessage: (runId: string) => `${prefix}:run:${runId}:message`,
    lock: (resource: string) => `${prefix}:lock:${resource}`,
    workerHeartbeat: (workerId: string) => `${prefix}:worker:${workerId}`,
    workerHeartbeats: () => `${prefix}:worker:*`,
    incident: (id: string) => `${prefix}:incident:${id}`,
    incidentByKey: (keyHash: string) => `${prefix}:incident-key:${keyHash}`,
    incidentsOpen: () => `${prefix}:incidents:open`,
    alertDelivery: (deliveryId: string) => `${prefix}:alert-delivery:${deliveryId}`,
  };
}

export type Keys = ReturnType<typeof keys>;

/** Seconds that run bookkeeping (step checkpoints, message ids) is kept after a run. */
export const RUN_STATE_TTL_SECONDS = 7 * 24 * 3600;
