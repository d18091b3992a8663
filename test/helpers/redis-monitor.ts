import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { waitFor } from './harness.ts';

/**
 * The commands a redis-server runs on keys under `prefix`, with the client that sent each, read
 * with MONITOR on a plain socket (ioredis's monitor mode loses its place when commands arrive
 * while it starts). Use a redis-server of the test's own (`OwnRedis`): MONITOR sees every client.
 */
export class CommandLog {
  /** Each command as lower-case arguments, and the client (`host:port`) that sent it. */
  readonly seen: { args: string[]; client: string }[] = [];
  private socket: Socket | undefined;

  async start(port: number, prefix: string) {
    const socket = connect(port, '127.0.0.1');
    this.socket = socket;
    await once(socket, 'connect');
    let buffered = '';
    let started = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\r\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '+OK') started = true;
        // +<time> [<db> <client>] "<command>" "<arg>"...
        const client = /^\+\S+ \[\d+ (\S+)\]/.exec(line)?.[1] ?? '';
        const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.toLowerCase());
        if (args.some((a) => a.startsWith(`${prefix.toLowerCase()}:`)))
          this.seen.push({ args, client });
      }
    });
    socket.write('MONITOR\r\n');
    await waitFor('MONITOR to start', () => started);
  }

  async stop() {
    this.socket?.destroy();
  }

  /** The commands `command` on `key` (its first argument). */
  find(command: string, key: string) {
    return this.seen.filter(({ args }) => args[0] === command && args[1] === key.toLowerCase());
  }

  count(command: string, key: string) {
    return this.find(command, key).length;
  }
}
