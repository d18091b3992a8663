import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/dev/free-port.ts';

/** A node's redis-server ended before it answered (its port was taken, most likely). */
class ServerExited extends Error {}

interface ClusterServer {
  port: number;
  busPort: number;
  dir: string;
  child?: ChildProcess;
}

/**
 * A real Redis Cluster of the test's own: three masters and three replicas (`redis-server
 * --cluster-enabled yes` on free ports, joined by `redis-cli --cluster create … --cluster-replicas
 * 1`), with AOF, whose nodes the test may fail over, kill and restart.
 */
export class LocalRedisCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'opsbot-cluster-'));
  readonly servers: ClusterServer[] = [];
  private admins = new Map<number, Redis>();

  /** `host:port,…` for REDIS_CLUSTER_NODES. */
  get seeds() {
    return this.servers.map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  async start(count = 6) {
    for (let i = 0; i < count; i++) {
      const dir = join(this.dir, String(i));
      mkdirSync(dir);
      this.servers.push({ port: 0, busPort: 0, dir });
    }
    await Promise.all(this.servers.map((s) => this.startOnFreePorts(s)));
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...this.servers.map((s) => `127.0.0.1:${s.port}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { encoding: 'utf8' },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create: ${created.stdout}`);
    await this.waitFor('every node to see the cluster ok and all 6 nodes', async () => {
      for (const s of this.servers) {
        const info = String(await this.admin(s.port).cluster('INFO'));
        if (!info.includes('cluster_state:ok') || !info.includes(`cluster_known_nodes:${count}`))
          return false;
      }
      return true;
    });
  }

  /**
   * Starts a new node on two free ports. A port found free can be taken before redis-server binds
   * it (another test's connection gets it as its local port): then redis-server exits at once, and
   * the node is started again on other ports (at most three tries).
   */
  private async startOnFreePorts(server: ClusterServer) {
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) {
        // A node that died at start may have written its nodes.conf with the old ports.
        rmSync(server.dir, { recursive: true, force: true });
        mkdirSync(server.dir);
      }
      server.port = await freePort();
      server.busPort = await freePort();
      try {
        return await this.startServer(server);
      } catch (error) {
        if (!(error instanceof ServerExited) || attempt === 3) throw error;
      }
    }
  }

  private async startServer(server: ClusterServer) {
    server.child = spawn(
      'redis-server',
      [
        '--port',
        String(server.port),
        '--cluster-port',
        String(server.busPort),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        '1000',
        '--dir',
        server.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    const child = server.child;
    await this.waitFor(`redis-server :${server.port}`, async () => {
      if (child.exitCode !== null || child.signalCode !== null) return true;
      // Bounded: something else on the port may accept the connection and never answer.
      const answer = this.admin(server.port)
        .ping()
        .catch(() => undefined);
      const silence = new Promise<undefined>((resolve) => setTimeout(resolve, 1000));
      return (await Promise.race([answer, silence])) === 'PONG';
    });
    if (child.exitCode !== null || child.signalCode !== null) {
      this.admins.get(server.port)?.disconnect();
      this.admins.delete(server.port);
      throw new ServerExited(
        `redis-server :${server.port} exited (${child.exitCode ?? child.signalCode})`,
      );
    }
  }

  /** A plain (non-cluster) connection to one node, for administration. */
  admin(port: number): Redis {
    let admin = this.admins.get(port);
    if (!admin) {
      admin = new Redis({ port, host: '127.0.0.1', lazyConnect: false });
      admin.on('error', () => {});
      this.admins.set(port, admin);
    }
    return admin;
  }

  /** A node that runs (not killed). */
  live(): number {
    const running = (s: ClusterServer) =>
      s.child !== undefined && s.child.exitCode === null && s.child.signalCode === null;
    return this.servers.find(running)!.port;
  }

  /** The port of the master serving `key`'s slot, and of its replicas. */
  async shardOf(key: string): Promise<{ slot: number; master: number; replicas: number[] }> {
    const live = { port: this.live() };
    const slot = Number(await this.admin(live.port).cluster('KEYSLOT', key));
    const lines = String(await this.admin(live.port).cluster('NODES'))
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' '));
    const portOf = (address: string) => Number(address.split('@')[0]!.split(':')[1]);
    const master = lines.find(
      (l) =>
        l[2]!.includes('master') &&
        !l[2]!.includes('fail') &&
        l.slice(8).some((range) => {
          const [from, to = from] = range.split('-').map(Number);
          return slot >= from! && slot <= to!;
        }),
    )!;
    const replicas = lines.filter((l) => l[3] === master[0] && !l[2]!.includes('fail'));
    return { slot, master: portOf(master[1]!), replicas: replicas.map((l) => portOf(l[1]!)) };
  }

  kill(port: number) {
    const server = this.servers.find((s) => s.port === port)!;
    const exited = new Promise((resolve) => server.child!.once('exit', resolve));
    server.child!.kill('SIGKILL');
    this.admins.get(port)?.disconnect();
    this.admins.delete(port);
    return exited;
  }

  /** Starts a killed node again on its port with its nodes.conf: it rejoins the cluster. */
  async restart(port: number) {
    await this.startServer(this.servers.find((s) => s.port === port)!);
  }

  async waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop() {
    for (const admin of this.admins.values()) admin.disconnect();
    await Promise.all(
      this.servers
        .filter((s) => s.child && s.child.exitCode === null && s.child.signalCode === null)
        .map((s) => {
          const exited = new Promise((resolve) => s.child!.once('exit', resolve));
          s.child!.kill('SIGKILL');
          return exited;
        }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}
