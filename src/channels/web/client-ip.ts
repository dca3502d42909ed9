// The address a request really came from. X-Forwarded-For is believed only when the connection
// comes from a configured trusted proxy, and then read from the right, past the trusted hops.
// node's BlockList does the network matching; the WHATWG URL parser writes an IPv6 address in its
// one short form (RFC 5952), so one client is one rate-limit key however its address was written.
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { WebSettings } from './settings.ts';

interface Address {
  text: string;
  family: 'ipv4' | 'ipv6';
}

/** One form of an address (an IPv4-mapped IPv6 address becomes IPv4); undefined for anything else. */
export function canonicalAddress(input: string): Address | undefined {
  const raw = input.trim().replace(/^\[|\]$/g, '');
  const family = isIP(raw);
  if (family === 4) return { text: raw.split('.').map(Number).join('.'), family: 'ipv4' };
  if (family !== 6) return undefined;
  const text = new URL(`http://[${raw.replace(/%.*$/, '')}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(text);
  if (!mapped) return { text, family: 'ipv6' };
  const [hi, lo] = [parseInt(mapped[1] ?? '0', 16), parseInt(mapped[2] ?? '0', 16)];
  return { text: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 'ipv4' };
}

/**
 * The trusted proxies, one BlockList a family: a BlockList matches an IPv4 address against its IPv6
 * rules too (as ::ffff:a.b.c.d), so TRUSTED_PROXIES=::/64 in one list would trust every IPv4 peer.
 */
export type TrustedProxies = Record<Address['family'], BlockList>;

export function trustedList(proxies: WebSettings['trustedProxies']): TrustedProxies {
  const lists: TrustedProxies = { ipv4: new BlockList(), ipv6: new BlockList() };
  for (const p of proxies) {
    const base = canonicalAddress(p.text.split('/')[0] ?? '');
    if (base) lists[base.family].addSubnet(base.text, p.bits, base.family);
  }
  return lists;
}

export function clientAddress(req: IncomingMessage, trusted: TrustedProxies): string {
  const peer = canonicalAddress(req.socket.remoteAddress ?? '');
  if (!peer) return req.socket.remoteAddress ?? '';
  const isTrusted = (a: Address) => trusted[a.family].check(a.text, a.family);
  if (!isTrusted(peer)) return peer.text;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : header ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = canonicalAddress(hops[i] ?? '');
    if (!hop) return peer.text; // a malformed hop: trust nothing further left
    if (!isTrusted(hop)) return hop.text;
  }
  return peer.text;
}
