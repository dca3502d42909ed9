// The address a request really came from. X-Forwarded-For is believed only when the connection
// comes from a configured trusted proxy, and then read from the right, past the trusted hops.
import type { IncomingMessage } from 'node:http';
import { inCidr, parseIpAddress, type Cidr } from '../../checks/ip.ts';

export function clientAddress(req: IncomingMessage, trusted: readonly Cidr[]): string {
  const peer = parseIpAddress(req.socket.remoteAddress ?? '');
  if (!peer) return req.socket.remoteAddress ?? '';
  const isTrusted = (ip: ReturnType<typeof parseIpAddress>) => ip !== undefined && trusted.some((c) => inCidr(ip, c));
  if (!isTrusted(peer)) return peer.text;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : header ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseIpAddress(hops[i] ?? '');
    if (!hop) return peer.text; // a malformed hop: trust nothing further left
    if (!isTrusted(hop)) return hop.text;
  }
  return peer.text;
}
