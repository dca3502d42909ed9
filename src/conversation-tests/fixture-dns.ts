// The network fixtures conversation tests are written against (an exempt Swedish network, a
// Norwegian one, an address with no reverse name): a DNS port of our own, so no server is needed.
import type { DnsLookup, DnsPort } from '../ports/dns.ts';

const PTR: Record<string, string[]> = {
  '130.238.7.10': ['host7.example.uu.se'],
  '198.51.100.20': ['gw.example.no'],
  '203.0.113.5': [],
};

const A: Record<string, string[]> = {
  'host7.example.uu.se': ['130.238.7.10'],
  'gw.example.no': ['198.51.100.20'],
};

export class FixtureDns implements DnsPort {
  async reverse(ip: string): Promise<DnsLookup> {
    const names = PTR[ip];
    return names ? { ok: true, value: names } : { ok: false, reason: 'not-found', detail: `no PTR for ${ip}` };
  }

  async forward(name: string, family: 4 | 6): Promise<DnsLookup> {
    const addrs = family === 4 ? A[name.replace(/\.$/, '')] : undefined;
    return addrs ? { ok: true, value: addrs } : { ok: false, reason: 'not-found', detail: `no address for ${name}` };
  }
}
