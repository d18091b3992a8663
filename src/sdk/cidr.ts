import { isIPv4, isIPv6 } from 'node:net';

/** An IPv4 or IPv6 network: its first address as a number, and its prefix length. */
export interface Cidr {
  version: 4 | 6;
  /** The network address (host bits zero). */
  network: bigint;
  prefix: number;
  /** Canonical text: `203.0.113.0/24`, `2001:db8::/32`; a bare address gets /32 or /128. */
  text: string;
}

const BITS = { 4: 32, 6: 128 } as const;

function v4ToBigint(address: string): bigint {
  return address.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
}

function v6ToBigint(address: string): bigint {
  let text = address.toLowerCase();
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = v4ToBigint(v4[1]!);
    text = `${text.slice(0, v4.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((n, group) => (n << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

function toText(version: 4 | 6, n: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) =>
    ((n >> BigInt(112 - i * 16)) & 0xffffn).toString(16),
  );
  // The longest run of two or more zero groups becomes `::` (RFC 5952).
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  const left = groups.slice(0, best.start).join(':');
  const right = groups.slice(best.start + best.length).join(':');
  return `${left}::${right}`;
}

/** Why a text is not a CIDR. */
export class CidrProblem extends Error {}

/** `::ffff:0:0/96`: IPv4 addresses written as IPv6 (RFC 4291 §2.5.5.2). */
const V4_MAPPED = 0xffffn;

/**
 * Reads `203.0.113.7`, `203.0.113.0/24` or `2001:db8::/32`. Host bits must be zero
 * (`203.0.113.7/24` is refused with the network it probably meant). An IPv4-mapped IPv6 address or
 * network (`::ffff:10.0.0.1`, `::ffff:a00:0/104`) is read as the IPv4 one it names, so the private
 * and never_block checks see it, and it is blocked where IPv4 traffic is matched.
 */
export function parseCidr(input: string): Cidr {
  const match = /^([0-9a-fA-F:.]+)(?:\/(\d{1,3}))?$/.exec(input.trim());
  const address = match?.[1] ?? '';
  let version: 4 | 6 | undefined = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
  if (!match || !version) throw new CidrProblem('not an IP address or CIDR such as 203.0.113.7/32');
  let bits: number = BITS[version];
  let prefix = match[2] === undefined ? bits : Number(match[2]);
  if (prefix > bits) throw new CidrProblem(`the prefix length must be 0–${bits} for IPv${version}`);
  let n = version === 4 ? v4ToBigint(address) : v6ToBigint(address);
  if (version === 6 && prefix >= 96 && n >> 32n === V4_MAPPED) {
    version = 4;
    bits = BITS[4];
    prefix -= 96;
    n &= 0xffffffffn;
  }
  const hostBits = BigInt(bits - prefix);
  const network = (n >> hostBits) << hostBits;
  if (network !== n) {
    throw new CidrProblem(
      `host bits are set; the network is ${toText(version, network)}/${prefix}`,
    );
  }
  return { version, network, prefix, text: `${toText(version, network)}/${prefix}` };
}

/** True when a and b share any address (CIDRs either nest or are apart). */
export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.version !== b.version) return false;
  const prefix = Math.min(a.prefix, b.prefix);
  const shift = BigInt(BITS[a.version] - prefix);
  return a.network >> shift === b.network >> shift;
}

/** Private, loopback, link-local and shared (CGNAT) ranges: blocking them usually cuts off our own. */
export const PRIVATE_RANGES = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  'fc00::/7',
  'fe80::/10',
  '::1/128',
].map(parseCidr);

export interface BlockRules {
  /** Ranges that must never be blocked (the office, the load balancers, the bot itself). */
  neverBlock: string[];
  allowPrivate: boolean;
}

/**
 * Checks a CIDR someone asked to block. Returns the canonical CIDR, or throws a CidrProblem that
 * says which rule refused it: everything (`/0`), a private range without `allow_private`, or an
 * overlap with a `never_block` range.
 */
export function checkBlockable(input: string, rules: BlockRules): Cidr {
  const cidr = parseCidr(input);
  if (cidr.prefix === 0) throw new CidrProblem(`${cidr.text} is every address; refused`);
  if (!rules.allowPrivate) {
    const hit = PRIVATE_RANGES.find((range) => overlaps(range, cidr));
    if (hit) {
      throw new CidrProblem(
        `${cidr.text} overlaps the private range ${hit.text}; refused (the target's allow_private is off)`,
      );
    }
  }
  for (const text of rules.neverBlock) {
    if (overlaps(parseCidr(text), cidr)) {
      throw new CidrProblem(`${cidr.text} overlaps never_block range ${text}; refused`);
    }
  }
  return cidr;
}

/** The canonical form of a CIDR text, or the text itself when it is not one (for comparing). */
export function canonicalCidr(text: string): string {
  try {
    return parseCidr(text).text;
  } catch {
    return text;
  }
}
