/**
 * What local mode puts in its embedded DynamoDB on first start: the runbooks' example tables and a
 * few demo records. Example names only (see docs); nothing in `src/` depends on them.
 */
export interface SeedTable {
  name: string;
  key: string;
  items: Record<string, unknown>[];
}

const created = '2026-01-05T09:00:00Z';

export const SEED_TABLES: SeedTable[] = [
  {
    name: 'spaceduck-eggs',
    key: 'egg_id',
    items: [
      { egg_id: 'egg-001', duckling_id: 'dk-ada', status: 'INCUBATING', created_at: created },
    ],
  },
  {
    name: 'spaceduck-ducklings',
    key: 'duckling_id',
    items: [
      {
        duckling_id: 'dk-ada',
        name: 'Ada',
        status: 'ACTIVE',
        key_id: 'key-ada-1',
        created_at: created,
      },
      {
        duckling_id: 'dk-bob',
        name: 'Bob',
        status: 'SUSPENDED',
        key_id: 'key-bob-1',
        created_at: created,
      },
    ],
  },
  {
    name: 'spaceduck-certs',
    key: 'cert_id',
    items: [
      {
        cert_id: 'cert-ada-2026',
        duckling_id: 'dk-ada',
        status: 'ACTIVE',
        not_after: '2027-01-05T09:00:00Z',
      },
    ],
  },
  {
    name: 'spaceduck-connections',
    key: 'connection_id',
    items: [
      {
        connection_id: 'conn-7f3a',
        duckling_id: 'dk-ada',
        status: 'ACTIVE',
        client_ip: '198.51.100.7',
      },
    ],
  },
  { name: 'spaceduck-audit', key: 'event_id', items: [] },
];
