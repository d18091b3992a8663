import { describe, expect, it } from 'vitest';
import { CidrProblem, checkBlockable, overlaps, parseCidr } from '../../src/sdk/cidr.ts';

const rules = { neverBlock: ['198.51.100.0/24', '2001:db8:ffff::/48'], allowPrivate: false };

function refusal(input: string, r = rules) {
  try {
    checkBlockable(input, r);
  } catch (error) {
    expect(error).toBeInstanceOf(CidrProblem);
    return (error as Error).message;
  }
  throw new Error(`${input} was accepted`);
}

describe('CIDR validation for block-ip', () => {
  it('accepts public addresses and networks, in canonical form', () => {
    expect(checkBlockable('203.0.113.42', rules).text).toBe('203.0.113.42/32');
    expect(checkBlockable('203.0.113.0/24', rules).text).toBe('203.0.113.0/24');
    expect(checkBlockable('2001:DB8:0:0::1', rules).text).toBe('2001:db8::1/128');
    expect(checkBlockable('2001:db8:1::/48', rules).text).toBe('2001:db8:1::/48');
  });

  it('refuses everything (/0), IPv4 and IPv6', () => {
    expect(refusal('0.0.0.0/0', { neverBlock: [], allowPrivate: true })).toMatch(/every address/);
    expect(refusal('::/0', { neverBlock: [], allowPrivate: true })).toMatch(/every address/);
  });

  it.each([
    ['10.1.2.3', '10.0.0.0/8'],
    ['172.16.5.0/24', '172.16.0.0/12'],
    ['192.168.1.1', '192.168.0.0/16'],
    ['127.0.0.1', '127.0.0.0/8'],
    ['169.254.169.254', '169.254.0.0/16'],
    ['100.64.1.1', '100.64.0.0/10'],
    ['fd00::1', 'fc00::/7'],
    ['fe80::1', 'fe80::/10'],
    ['::1', '::1/128'],
    // A range that contains a private range is refused too.
    ['8.0.0.0/5', '10.0.0.0/8'],
  ])('refuses private %s (overlaps %s) unless allow_private', (input, range) => {
    expect(refusal(input)).toContain(`private range ${range}`);
    expect(() => checkBlockable(input, { neverBlock: [], allowPrivate: true })).not.toThrow();
  });

  it('refuses a CIDR inside, equal to, or containing a never_block range', () => {
    expect(refusal('198.51.100.7')).toMatch(/never_block range 198\.51\.100\.0\/24/);
    expect(refusal('198.51.100.0/24')).toMatch(/never_block/);
    expect(refusal('198.51.0.0/16')).toMatch(/never_block/);
    expect(refusal('2001:db8:ffff:1::/64')).toMatch(/never_block range 2001:db8:ffff::\/48/);
    expect(refusal('2001:db8::/32')).toMatch(/never_block/);
  });

  it.each([
    ['not-an-ip', /not an IP address/],
    ['1.2.3.4 reason=x', /not an IP address/],
    ['--emergency', /not an IP address/],
    ['"1.2.3.4"', /not an IP address/],
    ['1.2.3.256', /not an IP address/],
    ['1.2.3.4/33', /prefix length must be 0–32/],
    ['2001:db8::/129', /prefix length must be 0–128/],
    ['203.0.113.7/24', /host bits are set; the network is 203\.0\.113\.0\/24/],
  ])('refuses malformed %s', (input, message) => {
    expect(refusal(input)).toMatch(message);
  });

  it('reads an IPv4-mapped IPv6 address as the IPv4 one, so the same rules refuse it', () => {
    expect(refusal('::ffff:10.0.0.1')).toContain('private range 10.0.0.0/8');
    expect(refusal('::ffff:a00:1')).toContain('private range 10.0.0.0/8');
    expect(refusal('::ffff:198.51.100.7')).toMatch(/never_block range 198\.51\.100\.0\/24/);
    expect(refusal('::ffff:0.0.0.0/96', { neverBlock: [], allowPrivate: true })).toMatch(
      /every address/,
    );
    expect(checkBlockable('::FFFF:203.0.113.0/120', rules)).toMatchObject({
      version: 4,
      text: '203.0.113.0/24',
    });
    // Shorter than /96 it is an IPv6 network, not IPv4 addresses.
    expect(parseCidr('::fffe:0:0/95').version).toBe(6);
  });

  it('overlap is symmetric and version-aware', () => {
    const a = parseCidr('203.0.113.0/24');
    const b = parseCidr('203.0.113.128/25');
    expect(overlaps(a, b)).toBe(true);
    expect(overlaps(b, a)).toBe(true);
    expect(overlaps(a, parseCidr('203.0.114.0/24'))).toBe(false);
    expect(overlaps(parseCidr('::/0'), a)).toBe(false);
  });
});
