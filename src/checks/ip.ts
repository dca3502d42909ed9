// Address arithmetic for the network check: one canonical form, reverse names, CIDR membership and
// the ranges that are never someone's public address.
import { isIP } from 'node:net';

export interface ParsedIp {
  /** Canonical text: IPv4 dotted, IPv6 fully expanded lower-case hex. An IPv4-mapped IPv6 becomes IPv4. */
  text: string;
  family: 4 | 6;
  value: bigint;
}

function v4ToBigint(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function expandV6(ip: string): string[] | undefined {
  let text = ip.toLowerCase().replace(/%.*$/, '');
  const v4tail = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (v4tail?.[1]) {
    const n = v4ToBigint(v4tail[1]);
    text = text.slice(0, -v4tail[1].length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array(Math.max(0, fill)).fill('0'), ...t];
  return groups.length === 8 ? groups.map((g) => g.padStart(4, '0')) : undefined;
}

export function parseIpAddress(input: string): ParsedIp | undefined {
  const raw = input.trim().replace(/^\[|\]$/g, '');
  const fam = isIP(raw);
  if (fam === 4) return { text: raw.split('.').map(Number).join('.'), family: 4, value: v4ToBigint(raw) };
  if (fam !== 6) return undefined;
  const groups = expandV6(raw);
  if (!groups) return undefined;
  const value = BigInt(`0x${groups.join('')}`);
  if (value >> 32n === 0xffffn) {
    const v4 = [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
    return { text: v4, family: 4, value: value & 0xffffffffn };
  }
  return { text: compressV6(groups), family: 6, value };
}

/** RFC 5952 text: no leading zeros, the longest run of two or more zero groups as "::". */
function compressV6(groups: string[]): string {
  const short = groups.map((g) => g.replace(/^0+(?=.)/, ''));
  let best = { start: -1, len: 1 };
  for (let i = 0; i < 8; ) {
    if (short[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && short[j] === '0') j++;
    if (j - i > best.len) best = { start: i, len: j - i };
    i = j;
  }
  if (best.start < 0) return short.join(':');
  return `${short.slice(0, best.start).join(':')}::${short.slice(best.start + best.len).join(':')}`;
}

export function reverseName(ip: ParsedIp): string {
  if (ip.family === 4) return `${ip.text.split('.').reverse().join('.')}.in-addr.arpa`;
  return `${ip.value.toString(16).padStart(32, '0').split('').reverse().join('.')}.ip6.arpa`;
}

export interface Cidr {
  family: 4 | 6;
  base: bigint;
  bits: number;
  text: string;
}

export function parseCidr(text: string): Cidr | undefined {
  const [addr = '', len] = text.trim().split('/');
  const ip = parseIpAddress(addr);
  if (!ip) return undefined;
  const max = ip.family === 4 ? 32 : 128;
  const bits = len === undefined ? max : Number(len);
  if (!Number.isInteger(bits) || bits < 0 || bits > max || (len !== undefined && !/^\d+$/.test(len))) return undefined;
  const mask = ((1n << BigInt(bits)) - 1n) << BigInt(max - bits);
  return { family: ip.family, base: ip.value & mask, bits, text: text.trim() };
}

export function inCidr(ip: ParsedIp, cidr: Cidr): boolean {
  if (ip.family !== cidr.family) return false;
  const max = ip.family === 4 ? 32 : 128;
  const mask = ((1n << BigInt(cidr.bits)) - 1n) << BigInt(max - cidr.bits);
  return (ip.value & mask) === cidr.base;
}

const NOT_PUBLIC = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
].map((c) => parseCidr(c) as Cidr);

export function isPrivate(ip: ParsedIp): boolean {
  return NOT_PUBLIC.some((c) => inCidr(ip, c));
}
