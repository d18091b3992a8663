/** What containment commands use from the SDK: their ports and the CIDR rules. */
export * from './cidr.ts';
export type * from './ports/access-keys.ts';
export type * from './ports/active-blocks.ts';
export type * from './ports/containment-ledger.ts';
export type * from './ports/ip-blocklists.ts';
export type * from './ports/tf-locks.ts';
export type * from './ports/user-pools.ts';
