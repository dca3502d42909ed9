// DNS as the network check needs it: names for an address, addresses for a name. "No such name"
// is `not-found` (an answer); SERVFAIL, REFUSED and network errors are `unavailable`.
import type { Upstream } from './upstream.ts';

export type DnsLookup = Upstream<string[]>;

export interface DnsPort {
  /** PTR names of an address (empty when it has none). */
  reverse(ip: string): Promise<DnsLookup>;
  /** Addresses of a name, following CNAME chains. */
  forward(name: string, family: 4 | 6): Promise<DnsLookup>;
}
