// The network check end to end through the DNS adapter (node's resolver) against real DNS servers
// on loopback: a dns2 server with a zone that produces every outcome, and dnsmasq.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsResolver } from '../../src/adapters/dns.ts';
import { UpstreamGuard } from '../../src/adapters/limits.ts';
import { networkCheck } from '../../src/checks/network.ts';
import { parseCidr, type Cidr } from '../../src/checks/ip.ts';
import { systemClock } from '../../src/ports/time.ts';
import { makeDeps } from '../helpers/fakes.ts';
import { startDnsServer, standardZone, type DnsPeer } from '../peers/dns-server.ts';
import { startDnsmasq, type DnsmasqPeer } from '../peers/dnsmasq.ts';

function resolver(spec: string, timeoutMs = 400) {
  const [host, port] = spec.split(':');
  return new DnsResolver({
    servers: [{ host: host as string, port: Number(port) }],
    timeoutMs,
    guard: new UpstreamGuard({ maxConcurrent: 16, minTimeMs: 0, timeoutMs: timeoutMs * 4, cacheTtlMs: 0, clock: systemClock }),
  });
}

async function check(spec: string, ip: string, exemptNetworks: Cidr[] = []) {
  const deps = makeDeps({ dns: resolver(spec), settings: { exemptNetworks } });
  return (await networkCheck(deps, { ip, lang: 'en' })).result;
}

describe('network check against a dns2 server', () => {
  let dns: DnsPeer;
  beforeAll(async () => {
    dns = await startDnsServer(standardZone());
  });
  afterAll(() => dns.close());

  it.each([
    ['192.0.2.10', 'network.exempt', false],
    ['192.0.2.20', 'network.outside', true],
    ['192.0.2.30', 'network.no-ptr', true],
    ['192.0.2.40', 'network.mismatch', true],
    ['192.0.2.50', 'network.dns-error', true],
    ['192.0.2.60', 'network.dns-error', true],
    ['192.0.2.70', 'network.dns-error', true],
    ['192.0.2.100', 'network.dns-error', true],
    ['10.1.2.3', 'network.private', true],
    ['100.64.1.1', 'network.private', true],
    ['127.0.0.1', 'network.private', true],
    ['::1', 'network.private', true],
    ['fd00::1', 'network.private', true],
  ])('%s is %s (two-factor required: %s)', async (ip, code, required) => {
    const r = await check(dns.spec, ip);
    expect(r.code).toBe(code);
    expect(r.data.twoFactorRequired).toBe(required);
    expect(typeof r.data.reason).toBe('string');
    expect(r.data.ip).toBe(ip);
  });

  it('names the PTR and the confirmed name', async () => {
    const r = await check(dns.spec, '192.0.2.10');
    expect(r.data.ptr).toEqual(['host.example.se']);
    expect(r.data.confirmedName).toBe('host.example.se');
    expect(r.status).toBe('pass');
    const mismatch = await check(dns.spec, '192.0.2.40');
    expect(mismatch.data.ptr).toEqual(['liar.example.se']);
    expect(mismatch.data.confirmedName).toBeNull();
  });

  it('falls back to TCP for a truncated answer and finds the one confirmed name among many', async () => {
    const before = dns.queries.length;
    const r = await check(dns.spec, '192.0.2.80');
    expect(r.code).toBe('network.exempt');
    expect(r.data.confirmedName).toBe('many.example.se');
    const ptrQueries = dns.queries.slice(before).filter((q) => q.type === 'PTR');
    expect(ptrQueries.map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });

  it('follows a CNAME chain from the PTR name to the address', async () => {
    const r = await check(dns.spec, '192.0.2.90');
    expect(r.code).toBe('network.exempt');
    expect(r.data.confirmedName).toBe('alias.example.se');
  });

  it('handles IPv6 and IPv4-mapped IPv6 addresses', async () => {
    const v6 = await check(dns.spec, '2001:db8::10');
    expect(v6.code).toBe('network.exempt');
    expect(v6.data.confirmedName).toBe('v6.example.se');
    const mapped = await check(dns.spec, '::ffff:192.0.2.10');
    expect(mapped.code).toBe('network.exempt');
    expect(mapped.data.ip).toBe('192.0.2.10');
  });

  it('an exempt network counts only with working forward and reverse DNS (the centre\'s rule)', async () => {
    const exempt = [parseCidr('192.0.2.0/26') as Cidr];
    // No PTR record: two-factor is required, exempt network or not.
    const noPtr = await check(dns.spec, '192.0.2.30', exempt);
    expect(noPtr.code).toBe('network.no-ptr');
    expect(noPtr.data.twoFactorRequired).toBe(true);
    // A name that does not point back: required too.
    expect((await check(dns.spec, '192.0.2.40', exempt)).code).toBe('network.mismatch');
    // Forward-confirmed, outside the exempt domains, inside the exempt network: exempt.
    const confirmed = await check(dns.spec, '192.0.2.20', exempt);
    expect(confirmed.code).toBe('network.exempt');
    expect(confirmed.data.twoFactorRequired).toBe(false);
    expect(String(confirmed.data.reason)).toContain('192.0.2.0/26');
    // The same address without the exempt network is outside.
    expect((await check(dns.spec, '192.0.2.20')).code).toBe('network.outside');
  });

  // What a silent server costs is in bench/dns-timeout.ts; test/adapters/dns.test.ts holds a
  // silent first server to the adapter's own deadline.
  it('a server that never answers is a timeout, and two-factor is assumed', async () => {
    expect(await resolver(dns.spec).reverse('192.0.2.70')).toMatchObject({ ok: false, reason: 'timeout' });
    const r = await check(dns.spec, '192.0.2.70');
    expect(r.code).toBe('network.dns-error');
    expect(r.data.twoFactorRequired).toBe(true);
    expect(String(r.data.reason)).toContain('timeout');
  });

  it('tries the next server when the first does not answer', async () => {
    const dead = resolver('127.0.0.1:9', 200);
    const both = new DnsResolver({
      servers: [{ host: '127.0.0.1', port: 9 }, { host: dns.host, port: dns.port }],
      timeoutMs: 300,
      guard: new UpstreamGuard({ maxConcurrent: 4, minTimeMs: 0, timeoutMs: 3000, cacheTtlMs: 0, clock: systemClock }),
    });
    expect((await networkCheck(makeDeps({ dns: dead }), { ip: '192.0.2.10', lang: 'en' })).result.code).toBe('network.dns-error');
    expect((await networkCheck(makeDeps({ dns: both }), { ip: '192.0.2.10', lang: 'en' })).result.code).toBe('network.exempt');
  });

  it('asks the next server after SERVFAIL or REFUSED, and not after "no such name"', async () => {
    const second = await startDnsServer({ ptr: { '50.2.0.192.in-addr.arpa': ['host.example.se'], '60.2.0.192.in-addr.arpa': ['host.example.se'], '1.1.1.198.in-addr.arpa': ['found.example.se'] } });
    try {
      const both = new DnsResolver({
        servers: [{ host: dns.host, port: dns.port }, { host: second.host, port: second.port }],
        timeoutMs: 300,
        guard: new UpstreamGuard({ maxConcurrent: 4, minTimeMs: 0, timeoutMs: 3000, cacheTtlMs: 0, clock: systemClock }),
      });
      expect(await both.reverse('192.0.2.50')).toEqual({ ok: true, value: ['host.example.se'] });
      expect(await both.reverse('192.0.2.60')).toEqual({ ok: true, value: ['host.example.se'] });
      // The first server says 1.1.1.198.in-addr.arpa does not exist: that is the answer.
      expect(await both.reverse('198.1.1.1')).toMatchObject({ ok: false, reason: 'not-found' });
      expect(second.queries.map((q) => q.name)).toEqual(['50.2.0.192.in-addr.arpa', '60.2.0.192.in-addr.arpa']);
    } finally {
      await second.close();
    }
  });

  it('says it in Swedish too', async () => {
    const deps = makeDeps({ dns: resolver(dns.spec) });
    const r = (await networkCheck(deps, { ip: '192.0.2.20', lang: 'sv' })).result;
    expect(r.summary).toContain('tvåfaktor krävs');
  });
});

describe('network check against dnsmasq', () => {
  let dnsmasq: DnsmasqPeer;
  beforeAll(async () => {
    dnsmasq = await startDnsmasq();
  });
  afterAll(() => dnsmasq?.close());

  it.each([
    ['192.0.2.10', 'network.exempt'],
    ['192.0.2.20', 'network.outside'],
    ['192.0.2.30', 'network.no-ptr'],
    ['192.0.2.40', 'network.mismatch'],
    ['192.0.2.90', 'network.exempt'],
    ['2001:db8::10', 'network.exempt'],
  ])('%s is %s', async (ip, code) => {
    expect((await check(dnsmasq.spec, ip)).code).toBe(code);
  });
});
