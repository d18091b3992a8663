import type { Socket } from 'node:net';
import type { Redis as RedisNode } from 'ioredis';

const COALESCED = Symbol('opsbot.coalescedWrites');

/**
 * Makes the commands a client sends in one turn of the event loop leave in one socket write
 * (`writev`) instead of one `write` system call each: on its first write in a turn the socket is
 * corked, and uncorked once the turn's callbacks have run (setImmediate). The bytes, their order and
 * ioredis's command queue are unchanged, so BullMQ's scripts, MULTI blocks and blocking reads behave
 * as before; unlike ioredis auto-pipelining, no command is moved into a pipeline. A command waits
 * at most for the rest of the turn it was sent in. Each new socket of the client (a reconnect) is
 * set up again when ioredis announces it (`connect`).
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
      setImmediate(flush);
    }
    return write.apply(this, args);
  } as Socket['write'];
}
