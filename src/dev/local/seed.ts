import { createHash } from 'node:crypto';
import { configured as tableHealth } from '../../../commands/table-health.ts';
import type { FileConfig } from '../../config/file.ts';

/**
 * What local mode puts in its embedded DynamoDB on first start: every table the config names
 * (`targets.tables` with its partition key, and `targets.table_health.tables`), and demo records
 * in the tables that hold ducklings, connections and certs (found by `holds`, as the commands find
 * them), so `/ops rotate-key dk-ada` works in the console. Example values only.
 */
export interface SeedTable {
  name: string;
  key: string;
  items: Record<string, unknown>[];
}

const created = '2026-01-05T09:00:00Z';
/** A stored key hash, as rotate-key writes it (SHA-256 hex of a key nobody has: a demo value). */
const demoKeyHash = (id: string) =>
  createHash('sha256').update(`opsbot local demo key ${id}`).digest('hex');

/** Demo records by kind, written with the key attribute the config gives the table. */
const RECORDS: Record<string, { id: string; fields: Record<string, unknown> }[]> = {
  ducklings: [
    {
      id: 'dk-ada',
      fields: {
        name: 'Ada',
        email: 'ada@spaceduck.example.com',
        status: 'ACTIVE',
        key_id: 'key_ada0000000000001',
        key_hash: demoKeyHash('dk-ada'),
        created_at: created,
      },
    },
    {
      id: 'dk-cleo',
      fields: {
        name: 'Cleo',
        status: 'ACTIVE',
        key_id: 'key_c1e0000000000001',
        key_hash: demoKeyHash('dk-cleo'),
        created_at: created,
      },
    },
    // Not ACTIVE: rotate-key refuses it, which is worth seeing too.
    {
      id: 'dk-bob',
      fields: {
        name: 'Bob',
        status: 'SUSPENDED',
        key_id: 'key_b0b0000000000001',
        created_at: created,
      },
    },
  ],
  connections: [
    {
      id: 'conn-7f3a',
      fields: { duckling_id: 'dk-ada', status: 'ACTIVE', client_ip: '198.51.100.7' },
    },
    {
      id: 'conn-2b9e',
      fields: { duckling_id: 'dk-cleo', status: 'ACTIVE', client_ip: '203.0.113.24' },
    },
    {
      id: 'conn-0d41',
      fields: {
        duckling_id: 'dk-bob',
        status: 'REVOKED',
        client_ip: '192.0.2.88',
        revoked_at: '2026-02-01T10:00:00Z',
        revoked_by: 'U0JOSH',
      },
    },
  ],
  certs: [
    {
      id: 'cert-ada-2026',
      fields: { duckling_id: 'dk-ada', status: 'ACTIVE', not_after: '2027-01-05T09:00:00Z' },
    },
    {
      id: 'cert-bob-2025',
      fields: {
        duckling_id: 'dk-bob',
        status: 'EXPIRED',
        not_after: '2026-01-05T09:00:00Z',
        expires_at: '2026-01-05T09:00:00Z',
      },
    },
  ],
};

/** Demo records for example tables that hold no runbook kind, by name suffix. */
const EXTRA: Record<string, { id: string; fields: Record<string, unknown> }[]> = {
  eggs: [
    { id: 'egg-001', fields: { duckling_id: 'dk-ada', status: 'INCUBATING', created_at: created } },
  ],
  audit: [
    {
      id: 'evt-0001',
      fields: { action: 'duck.created', duckling_id: 'dk-ada', at: created, by: 'U0ALICE' },
    },
  ],
};

/** The tables (and demo records) local mode creates for this config. */
export function seedTables(file: FileConfig): SeedTable[] {
  const tables = new Map<string, SeedTable>();
  for (const [target, t] of Object.entries(file.targets.tables)) {
    const name = t.table_name ?? target;
    const suffix = Object.keys(EXTRA).find((s) => name.endsWith(s));
    const own = t.holds && Object.hasOwn(RECORDS, t.holds) ? RECORDS[t.holds] : undefined;
    const records = own ?? (suffix ? EXTRA[suffix]! : []);
    tables.set(name, {
      name,
      key: t.key,
      items: records.map((r) => ({ [t.key]: r.id, ...r.fields })),
    });
  }
  for (const name of tableHealth(file.targets).tables) {
    if (!tables.has(name)) tables.set(name, { name, key: 'id', items: [] });
  }
  return [...tables.values()];
}
