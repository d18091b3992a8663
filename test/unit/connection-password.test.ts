import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { passwordOf, withPassword } from '../../commands/rotate-db-password.ts';

const SECRET = 'hunter2-Zq8xVb31';

/** Everything an error could show a log or a message: its text and every property, deeply. */
const shown = (error: unknown) => `${String(error)} ${inspect(error, { depth: 5 })}`;

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('no error');
}

describe('the connection URL of rotate-db-password', () => {
  it('reads and replaces the password of a URL', () => {
    const next = withPassword(`postgres://drop:${SECRET}@db.internal:5432/drop`, 'n3w p@ss');
    expect(next).toBe('postgres://drop:n3w%20p%40ss@db.internal:5432/drop');
    expect(passwordOf(next)).toBe('n3w p@ss');
  });

  it.each([
    `postgres//drop:${SECRET}@db.internal/drop`, // no scheme: not a URL
    `postgres://drop:${SECRET}@[db.internal/drop`, // a broken host
  ])('refuses %s without showing any of it', (value) => {
    for (const error of [thrown(() => passwordOf(value)), thrown(() => withPassword(value, 'x'))]) {
      expect(shown(error)).toMatch(/not_a_connection_string|connection URL/);
      expect(shown(error)).not.toContain(SECRET);
    }
  });
});
