// DNS as the network check needs it: names for an address, addresses for a name.

export type DnsFailure = 'nxdomain' | 'servfail' | 'refused' | 'timeout' | 'error';

export type DnsLookup = { ok: true; values: string[] } | { ok: false; failure: DnsFailure; detail: string };

export interface DnsPort {
  /** PTR names of an address (empty when it has none). */
  reverse(ip: string): Promise<DnsLookup>;
  /** Addresses of a name, following CNAME chains. */
  forward(name: string, family: 4 | 6): Promise<DnsLookup>;
}
