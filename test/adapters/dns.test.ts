// The DNS adapter (node's resolver) against real servers on loopback: a dns2 server with the shared
// zone, servers given by name (DNS_SERVERS is host[:port]), and servers that take a question and
// never answer, over UDP or, after a truncated answer, over TCP.
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsResolver, type DnsResolverOptions } from '../../src/adapters/dns.ts';
import { UpstreamGuard } from '../../src/adapters/limits.ts';
import { networkCheck } from '../../src/checks/network.ts';
import type { HostPort } from '../../src/ports/net.ts';
import { systemClock } from '../../src/ports/time.ts';
import { FakeClock, makeDeps } from '../helpers/fakes.ts';
import { freePort } from '../peers/ports.ts';
import { startDnsServer, standardZone, type DnsPeer } from '../peers/dns-server.ts';

function resolver(servers: HostPort[], more: Partial<DnsResolverOptions> & { guardTimeoutMs?: number } = {}) {
  const timeoutMs = more.timeoutMs ?? 400;
  const guard = new UpstreamGuard({ maxConcurrent: 16, minTimeMs: 0, timeoutMs: more.guardTimeoutMs ?? timeoutMs * 4, cacheTtlMs: 0, clock: systemClock });
  return new DnsResolver({ servers, timeoutMs, guard, ...more });
}

/** A UDP socket that reads every question and answers none. */
async function silentUdp(): Promise<{ server: HostPort; close(): void }> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { server: { host: '127.0.0.1', port: socket.address().port }, close: () => socket.close() };
}

/** Every UDP answer truncated (so the client asks again over TCP), and TCP accepts and stays silent. */
async function silentTcp(): Promise<{ server: HostPort; tcpConnections: () => number; close(): Promise<void> }> {
  const port = await freePort();
  const udp = dgram.createSocket('udp4');
  udp.on('message', (question, peer) => {
    const answer = Buffer.from(question);
    answer[2] = (answer[2] ?? 0) | 0x82; // QR (an answer) and TC (truncated)
    udp.send(answer, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', () => resolve()));
  const held: net.Socket[] = [];
  const tcp = net.createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => tcp.listen(port, '127.0.0.1', () => resolve()));
  return {
    server: { host: '127.0.0.1', port },
    tcpConnections: () => held.length,
    close: async () => {
      udp.close();
      for (const s of held) s.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}

describe('DNS adapter', () => {
  let dns: DnsPeer;
  beforeAll(async () => {
    dns = await startDnsServer(standardZone());
  });
  afterAll(() => dns.close());

  it('takes a server by name (localhost:PORT) and answers through it', async () => {
    const r = resolver([{ host: 'localhost', port: dns.port }]);
    expect(await r.reverse('192.0.2.10')).toEqual({ ok: true, value: ['host.example.se'] });
    const check = await networkCheck(makeDeps({ dns: r }), { ip: '192.0.2.10', lang: 'en' });
    expect(check.result.code).toBe('network.exempt');
  });

  it('looks a server name up once for a while, and again after the server failed or the while is over', async () => {
    const names: string[] = [];
    const clock = new FakeClock();
    const lookupServer = async (name: string) => {
      names.push(name);
      return (await lookup(name, { all: true })).map((a) => a.address);
    };
    const r = resolver([{ host: 'localhost', port: dns.port }], { clock, serverNameTtlMs: 60_000, lookupServer });
    await r.reverse('192.0.2.10');
    await r.reverse('192.0.2.20');
    expect(names).toEqual(['localhost']);
    // SERVFAIL: the name is looked up again before the next question.
    expect(await r.reverse('192.0.2.50')).toMatchObject({ ok: false, reason: 'unavailable' });
    await r.reverse('192.0.2.10');
    expect(names).toEqual(['localhost', 'localhost']);
    clock.advance(60_001);
    expect(await r.reverse('192.0.2.20')).toEqual({ ok: true, value: ['host.example.com'] });
    expect(names).toEqual(['localhost', 'localhost', 'localhost']);
  });

  it('a server name that cannot be found is an unavailable server, and the next one is asked', async () => {
    const unknown = { host: 'no-such-dns-server.invalid', port: 53 };
    const alone = resolver([unknown]);
    const result = await alone.reverse('192.0.2.10');
    expect(result).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(result.ok ? '' : result.detail).toContain('no-such-dns-server.invalid');
    const check = await networkCheck(makeDeps({ dns: alone }), { ip: '192.0.2.10', lang: 'en' });
    expect(check.result.code).toBe('network.dns-error');
    expect(check.result.data.twoFactorRequired).toBe(true);
    const then = resolver([unknown, { host: dns.host, port: dns.port }]);
    expect(await then.reverse('192.0.2.10')).toEqual({ ok: true, value: ['host.example.se'] });
  });

  // The deadline is the adapter's own: c-ares checks its timeouts on a timer ticking every
  // min(timeout, 1 s), so with 1100 ms a silent server used to cost about 2 s, and the second
  // server's answer came after the guard (1550 ms here) had given up on the lookup.
  it('a first server that never answers over UDP costs the DNS timeout, then the second answers', async () => {
    const silent = await silentUdp();
    try {
      const r = resolver([silent.server, { host: dns.host, port: dns.port }], { timeoutMs: 1100, guardTimeoutMs: 1550 });
      expect(await r.reverse('192.0.2.10')).toEqual({ ok: true, value: ['host.example.se'] });
    } finally {
      silent.close();
    }
  });

  it('a first server that truncates over UDP and never answers over TCP: the second answers', async () => {
    const silent = await silentTcp();
    try {
      const r = resolver([silent.server, { host: dns.host, port: dns.port }], { timeoutMs: 1100, guardTimeoutMs: 1550 });
      expect(await r.reverse('192.0.2.10')).toEqual({ ok: true, value: ['host.example.se'] });
      expect(silent.tcpConnections()).toBe(1);
    } finally {
      await silent.close();
    }
  });

  it('a lookup cut off at its deadline leaves other lookups to the same server alone', async () => {
    const r = resolver([{ host: dns.host, port: dns.port }], { timeoutMs: 300 });
    const [dropped, answered] = await Promise.all([r.reverse('192.0.2.70'), r.reverse('192.0.2.10')]);
    expect(dropped).toMatchObject({ ok: false, reason: 'timeout' });
    expect(answered).toEqual({ ok: true, value: ['host.example.se'] });
  });
});
