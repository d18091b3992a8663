import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { createLedgerTable, dynamoClient, LedgerTable } from '../../src/aws/ledger-table.ts';

/**
 * An in-process dynalite (DynamoDB on a LevelDB in a temporary directory) on a free port. `stop()` and `start()`
 * take it down and bring it back on the same port with the same data, to imitate an outage.
 */
export class DiskDynalite {
  /** LevelDB on disk, so the data outlives a stop (in-memory dynalite forgets it on close). */
  readonly path = mkdtempSync(join(tmpdir(), 'opsbot-dynalite-'));
  private readonly server: Server = dynalite({ createTableMs: 0, path: this.path });
  port = 0;

  get endpoint() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Stops for good and removes the data. */
  async dispose(): Promise<void> {
    if (this.server.listening) await this.stop();
    rmSync(this.path, { recursive: true, force: true });
  }

  /** Creates a ledger table and returns a handle on it (its own client). */
  async table(name = `audit-${Math.random().toString(36).slice(2, 10)}`) {
    const client = dynamoClient({ table: name, endpoint: this.endpoint, requestTimeoutMs: 2000 });
    await createLedgerTable(client, name);
    return new LedgerTable(client, name);
  }
}
