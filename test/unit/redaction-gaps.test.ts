import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logAuditSink } from '../../src/audit/sink.ts';
import { redact } from '../../src/redact/index.ts';

/** Finding 11: secrets the redaction pass let through, one example each. */
const GAPS: { name: string; line: string; secret: string }[] = [
  { name: 'password: x', line: 'db login password: hunter2 ok', secret: 'hunter2' },
  {
    name: 'Authorization: Basic',
    line: 'GET / Authorization: Basic dXNlcjpzM2NyM3Q= 200',
    secret: 'dXNlcjpzM2NyM3Q',
  },
  {
    name: 'URL credentials',
    line: 'connect postgres://app:pa55w0rd@db.internal:5432/main failed',
    secret: 'pa55w0rd',
  },
  {
    name: 'ghp_ token',
    line: 'clone with ghp_1234567890abcdefghijABCDEFGHIJ123456 now',
    secret: 'ghp_1234567890abcdefghijABCDEFGHIJ123456',
  },
  {
    name: 'AIza key',
    line: 'maps key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY used',
    secret: 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY',
  },
  { name: 'x-api-key header', line: 'x-api-key: 5f2b9c7d1e3a ok', secret: '5f2b9c7d1e3a' },
  { name: 'JSON number secret', line: '{"user":"bob","pin_password":918273}', secret: '918273' },
];

const alnum = (min: number, max: number) =>
  fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${min},${max}}$`));
const word = fc.stringMatching(/^[a-z0-9.,!?()]{1,10}$/);
const plain = fc.array(word, { maxLength: 20 }).map((w) => w.join(' '));

/** Generators for the new rules: [text as logged, the part that must go]. */
const newSecrets: fc.Arbitrary<[string, string]>[] = [
  fc
    .tuple(fc.constantFrom('password', 'Password', 'db_secret', 'x-api-key'), alnum(6, 20))
    .map(([k, v]) => [`${k}: ${v}`, v]),
  alnum(12, 40).map((v) => [`Authorization: Basic ${v}==`, v]),
  fc
    .tuple(fc.constantFrom('postgres', 'mysql', 'redis', 'https'), alnum(3, 8), alnum(6, 20))
    .map(([scheme, user, pass]) => [`${scheme}://${user}:${pass}@host.example:5432/db`, pass]),
  fc
    .tuple(fc.constantFrom('ghp_', 'gho_', 'ghs_'), alnum(36, 36))
    .map(([p, rest]) => [`${p}${rest}`, rest]),
  fc.stringMatching(/^[\w-]{35}$/).map((rest) => [`AIza${rest}`, `AIza${rest}`]),
  fc
    .tuple(fc.constantFrom('password', 'pin_token', 'secret'), fc.integer({ min: 100_000 }))
    .map(([k, v]) => [`{"${k}": ${v}}`, String(v)]),
];

describe('finding 11: redaction gaps', () => {
  for (const gap of GAPS) {
    it(`finding 11: redacts ${gap.name}`, () => {
      const out = redact(gap.line);
      expect(out).not.toContain(gap.secret);
      expect(out).toContain('REDACTED');
      expect(redact(out)).toBe(out);
    });
  }

  it('finding 11: each new rule removes any generated secret in arbitrary text', () => {
    fc.assert(
      fc.property(plain, fc.oneof(...newSecrets), plain, (a, [text, secret], b) => {
        const out = redact(`${a} ${text} ${b}`);
        expect(out).not.toContain(secret);
        expect(redact(out)).toBe(out);
      }),
      { numRuns: 500 },
    );
  });

  it('finding 11: the log-only audit sink redacts args, data and result', () => {
    const lines: object[] = [];
    const sink = logAuditSink({ info: (obj) => lines.push(obj) });
    sink.append({
      action: 'run.step',
      actor: 'U1',
      args: { token: 'tok-abcdef123456', note: 'password=hunter2' },
      data: { url: 'postgres://app:pa55w0rd@db/main' },
      result: 'used AKIAIOSFODNN7EXAMPLE',
    });
    const logged = JSON.stringify(lines);
    for (const secret of ['tok-abcdef123456', 'hunter2', 'pa55w0rd', 'AKIAIOSFODNN7EXAMPLE']) {
      expect(logged).not.toContain(secret);
    }
    expect(logged).toContain('run.step');
  });

  it('the log-only audit sink neither redacts nor logs an entry when info lines are off', () => {
    const lines: object[] = [];
    let read = 0;
    const sink = logAuditSink({
      info: (obj) => lines.push(obj),
      isLevelEnabled: (level) => level !== 'info',
    });
    sink.append({
      action: 'run.step',
      actor: 'U1',
      get args() {
        read++;
        return { token: 'tok-abcdef123456' };
      },
    });
    expect(lines).toEqual([]);
    expect(read).toBe(0);
  });
});
