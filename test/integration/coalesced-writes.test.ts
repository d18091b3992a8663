import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis, whenReady } from '../../src/store/redis.ts';
import { REDIS_URL, waitFor } from '../helpers/harness.ts';

/** Socket writes (system calls) a client's current socket makes while `send` runs and is answered. */
async function socketWrites(client: { stream?: Socket }, send: () => Promise<unknown>) {
  const socket = client.stream!;
  const writeGeneric = (socket as unknown as { _writeGeneric: (...a: unknown[]) => unknown })
    ._writeGeneric;
  let writes = 0;
  Object.assign(socket, {
    _writeGeneric(this: Socket, ...args: unknown[]) {
      writes++;
      return writeGeneric.apply(this, args);
    },
  });
  try {
    await send();
  } finally {
    delete (socket as unknown as Record<string, unknown>)._writeGeneric;
  }
  return writes;
}

describe('a Redis connection sends the commands of one tick in one socket write', () => {
  const prefix = `coalesce-${randomUUID()}`;
  const producer = connectRedis(REDIS_URL, 'producer');
  const worker = connectRedis(REDIS_URL, 'worker');
  afterAll(async () => {
    await producer.del(`${prefix}:list`);
    producer.disconnect();
    worker.disconnect();
  });

  it('writes commands sent together once, in their order, with their own answers and errors', async () => {
    await whenReady(producer);
    const key = `${prefix}:list`;
    let answers: unknown[] = [];
    const writes = await socketWrites(producer as { stream?: Socket }, async () => {
      answers = await Promise.all([
        producer.rpush(key, 'a'),
        producer.rpush(key, 'b'),
        producer.incr(key).catch((error: Error) => error.message),
        producer.multi().rpush(key, 'c').lrange(key, 0, -1).exec(),
        producer.lrange(key, 0, -1),
      ]);
    });
    expect(writes).toBe(1);
    expect(answers).toEqual([
      1,
      2,
      expect.stringContaining('WRONGTYPE'),
      [
        [null, 3],
        [null, ['a', 'b', 'c']],
      ],
      ['a', 'b', 'c'],
    ]);
  });

  it('keeps doing so on the socket of a reconnect', async () => {
    await whenReady(worker);
    const first = (worker as { stream?: Socket }).stream;
    worker.disconnect(true);
    await waitFor('the reconnect', async () => {
      const stream = (worker as { stream?: Socket }).stream;
      return stream !== first && worker.status === 'ready';
    });
    const writes = await socketWrites(worker as { stream?: Socket }, () =>
      Promise.all([worker.ping(), worker.ping(), worker.echo('x')]),
    );
    expect(writes).toBe(1);
  });
});
