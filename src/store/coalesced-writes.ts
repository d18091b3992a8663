import type { Socket } from 'node:net';
import type { Redis as RedisNode } from 'ioredis';

const COALESCED = Symbol('opsbot.coalescedWrites');

/**
 * Makes the commands a client sends in one tick leave in one socket write (`writev`) instead of one
 * `write` system call each: on its first write in a tick the socket is corked, and uncorked once
 * that code and the promise callbacks it set off have run (`process.nextTick`, where ioredis's own
 * auto-pipelining flushes too). A socket write to Redis is a system call that also runs loopback
 * TCP and wakes Redis; the writes were the largest item of the bot's CPU profile. The bytes, their
 * order and ioredis's command queue are unchanged, so BullMQ's scripts, MULTI blocks and blocking
 * reads behave as before; unlike auto-pipelining, no command is moved into a pipeline. A command
 * waits for no I/O and no timer, so a caller that sends one command at a time (the audit ledger's
 * appends) is not slowed. Each new socket of the client (a reconnect) is set up again when ioredis
 * announces it (`connect`).
 */
export function coalesceWrites(client: RedisNode): void {
  client.on('connect', () => {
    const stream = (client as unknown as { stream?: Socket }).stream;
    if (stream) coalesceSocketWrites(stream);
  });
}

type CoalescedSocket = Socket & { [COALESCED]?: true };

export function coalesceSocketWrites(socket: CoalescedSocket): void {
  if (socket[COALESCED]) return;
  socket[COALESCED] = true;
  const write = socket.write;
  let corked = false;
  const flush = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function coalescedWrite(this: Socket, ...args: Parameters<Socket['write']>) {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      process.nextTick(flush);
    }
    return write.apply(this, args);
  } as Socket['write'];
}
