import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTION_RULES, redact } from '../../src/redact/index.ts';

const PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgwMbRvI0MBZhpF',
  'dC5ZzW1c0eQ9ZxwE0u5Zu4p5bPj0xVJm8UmNQ9QfQ8m9lD8cZ7uQ+0aWg==',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

/** One example of each secret type, as it shows up in a log line, and the part that must go. */
const EXAMPLES: { name: string; line: string; secret: string }[] = [
  {
    name: 'aws access key id',
    line: 'using AKIAIOSFODNN7EXAMPLE now',
    secret: 'AKIAIOSFODNN7EXAMPLE',
  },
  {
    name: 'aws secret key',
    line: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
  {
    name: 'bare aws secret key',
    line: 'creds wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end',
    secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
  {
    name: 'slack bot token',
    line: 'tok xoxb-1234567890-abcdefGHIJ ok',
    secret: 'xoxb-1234567890-abcdefGHIJ',
  },
  { name: 'slack user token', line: 'xoxp-99-88-77-aabbccdd', secret: 'xoxp-99-88-77-aabbccdd' },
  { name: 'slack app token', line: 'app xapp-1-A0ABC-123-ffee', secret: 'xapp-1-A0ABC-123-ffee' },
  {
    name: 'slack refresh token',
    line: 'refresh xoxe.xoxp-1-Mi0yLTEyMw',
    secret: 'xoxe.xoxp-1-Mi0yLTEyMw',
  },
  {
    name: 'jwt',
    line: 'session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    secret: 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  },
  {
    name: 'bearer token',
    line: 'Authorization: Bearer 8f14e45fceea167a5a36dedd4bea2543abc',
    secret: '8f14e45fceea167a5a36dedd4bea2543abc',
  },
  {
    name: 'prefixed api key',
    line: 'charged with sk_live_4eC39HqLyjWDarjtT1zdp7dc ok',
    secret: '4eC39HqLyjWDarjtT1zdp7dc',
  },
  { name: 'password=', line: 'login user=bob password=hunter2!', secret: 'hunter2!' },
  { name: 'secret=', line: 'GET /cb?client_secret=s3cr3tvalue&x=1', secret: 's3cr3tvalue' },
  { name: 'token=', line: 'retry token="abc def ghi" failed', secret: 'abc def ghi' },
  { name: 'json password', line: '{"user":"bob","password": "p@ss \\"q\\" w0rd"}', secret: 'p@ss' },
  { name: 'json token', line: '{"apiToken":"tok-123456"}', secret: 'tok-123456' },
  {
    name: 'pem private key',
    line: `key:\n${PEM}\ndone`,
    secret: 'MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn',
  },
];

describe('redact', () => {
  for (const example of EXAMPLES) {
    it(`removes a ${example.name}`, () => {
      const out = redact(example.line);
      expect(out).not.toContain(example.secret);
      expect(out).toContain('REDACTED');
    });
  }

  it('keeps the words around a secret and the names of secret keys', () => {
    expect(redact('login user=bob password=hunter2 ok')).toBe(
      'login user=bob password=[REDACTED] ok',
    );
    expect(redact('{"password": "x1", "user": "bob"}')).toBe(
      '{"password": "[REDACTED]", "user": "bob"}',
    );
    expect(redact(`a\n${PEM}\nb`)).toBe('a\n[REDACTED:private-key]\nb');
  });

  it('removes a private key whose end was cut off', () => {
    expect(redact('x -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg')).toBe(
      'x [REDACTED:private-key]',
    );
  });

  it('leaves git hashes, uuids and ordinary log lines alone', () => {
    const line =
      'deploy 3b5d0f5c2f1e4a8b9c0d1e2f3a4b5c6d7e8f9a0b req 123e4567-e89b-12d3-a456-426614174000 took 12ms';
    expect(redact(line)).toBe(line);
  });

  it('names every rule once', () => {
    const names = REDACTION_RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

// Text that holds no secret: short lowercase words, digits and punctuation without `=`.
const word = fc.stringMatching(/^[a-z0-9.,:;!?()\-/]{1,12}$/);
const plainText = fc.array(word, { maxLength: 30 }).map((words) => words.join(' '));
const separator = fc.constantFrom(' ', '\n', '\t', ' (', ') ', ': ', ', ');

const alnum = (min: number, max: number) =>
  fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${min},${max}}$`));
const upperAlnum = (n: number) => fc.stringMatching(new RegExp(`^[A-Z0-9]{${n}}$`));

/** A generator per secret type: [text as it appears in a log, the part that must disappear]. */
const secrets: fc.Arbitrary<[string, string]>[] = [
  fc
    .tuple(fc.constantFrom('AKIA', 'ASIA'), upperAlnum(16))
    .map(([p, rest]) => [`${p}${rest}`, `${p}${rest}`]),
  fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9/+]{37}$/))
    .map(([body]) => `Ab1${body}`)
    .map((key) => [`aws_secret_access_key=${key}`, key]),
  fc
    .tuple(fc.constantFrom('xoxb', 'xoxp', 'xoxa', 'xoxe.xoxp', 'xapp'), alnum(10, 30))
    .map(([p, rest]) => [`${p}-1-${rest}`, rest]),
  fc
    .tuple(alnum(8, 20), alnum(8, 20), alnum(10, 40))
    .map(([h, p, s]) => [`eyJ${h}.eyJ${p}.${s}`, `eyJ${h}.eyJ${p}.${s}`]),
  alnum(20, 40).map((t) => [`Authorization: Bearer ${t}`, t]),
  fc
    .tuple(fc.constantFrom('password', 'secret', 'token', 'db_password', 'API_KEY'), alnum(6, 20))
    .map(([k, v]) => [`${k}=${v}`, v]),
  fc
    .tuple(fc.constantFrom('password', 'clientSecret', 'token'), alnum(6, 20))
    .map(([k, v]) => [`{"${k}": "${v}"}`, v]),
  fc
    .array(fc.stringMatching(/^[A-Za-z0-9+/]{64}$/), { minLength: 1, maxLength: 4 })
    .map((lines) => [
      `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----`,
      lines[0]!,
    ]),
];

describe('redact (properties)', () => {
  it('removes any secret embedded in arbitrary text', () => {
    fc.assert(
      fc.property(
        plainText,
        separator,
        fc.oneof(...secrets),
        separator,
        plainText,
        (a, s1, [text, secret], s2, b) => {
          // A short secret value (`length`) can also be a plain word around it: then its staying
          // in the text says nothing about redaction.
          fc.pre(!`${a}${s1}`.includes(secret) && !`${s2}${b}`.includes(secret));
          const out = redact(`${a}${s1}${text}${s2}${b}`);
          expect(out).not.toContain(secret);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.tuple(plainText, fc.oneof(...secrets)).map(([a, [s]]) => `${a} ${s}`),
        ),
        (text) => {
          const once = redact(text);
          expect(redact(once)).toBe(once);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('leaves text without secrets unchanged', () => {
    fc.assert(
      fc.property(plainText, (text) => {
        expect(redact(text)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
