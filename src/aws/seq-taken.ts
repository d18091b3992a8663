/**
 * Thrown by `LedgerTable.put` when the seq is already taken (another writer appended first). Its
 * own file, free of the SDK, so the audit writer can catch it without loading DynamoDB's client.
 */
export class SeqTaken extends Error {}
