// What one DNS lookup costs when the first server never answers (a UDP socket that reads and stays
// silent) and the second answers, with the default DNS_TIMEOUT_MS (1500 ms); and the network check
// for an address (PTR, then A) under the same servers, beside CHECK_TIMEOUT_MS (5 s).
// Run: node --import tsx bench/dns-timeout.ts
import dgram from 'node:dgram';
import { DnsResolver } from '../src/adapters/dns.ts';
import { UpstreamGuard } from '../src/adapters/limits.ts';
import { networkCheck } from '../src/checks/network.ts';
import { systemClock } from '../src/ports/time.ts';
import { makeDeps } from '../test/helpers/fakes.ts';
import { startDnsServer, standardZone } from '../test/peers/dns-server.ts';

const TIMEOUT_MS = 1500;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const silent = dgram.createSocket('udp4');
await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
const dns = await startDnsServer(standardZone());
const resolver = () =>
  new DnsResolver({
    servers: [{ host: '127.0.0.1', port: silent.address().port }, { host: dns.host, port: dns.port }],
    timeoutMs: TIMEOUT_MS,
    guard: new UpstreamGuard({ maxConcurrent: 16, minTimeMs: 0, timeoutMs: TIMEOUT_MS * 3, cacheTtlMs: 0, clock: systemClock }),
  });

let started = 0;
const lookups: number[] = [];
const checks: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  started = performance.now();
  const r = await resolver().reverse('192.0.2.10');
  lookups.push(performance.now() - started);
  if (!r.ok) throw new Error(`lookup failed: ${r.detail}`);
  started = performance.now();
  const c = await networkCheck(makeDeps({ dns: resolver() }), { ip: '192.0.2.10', lang: 'en' });
  checks.push(performance.now() - started);
  if (c.result.code !== 'network.exempt') throw new Error(`check said ${c.result.code}`);
}
console.log(`silent first server, DNS_TIMEOUT_MS ${TIMEOUT_MS}, ${ROUNDS} rounds (median, max):`);
console.log(`  one lookup (PTR)             ${Math.round(median(lookups))} ms, ${Math.round(Math.max(...lookups))} ms`);
console.log(`  network check (PTR, then A)  ${Math.round(median(checks))} ms, ${Math.round(Math.max(...checks))} ms`);
// What a lookup costs when the first server answers (a fresh resolver per lookup is the price of
// cancelling one lookup alone).
const answering = new DnsResolver({
  servers: [{ host: dns.host, port: dns.port }],
  timeoutMs: TIMEOUT_MS,
  guard: new UpstreamGuard({ maxConcurrent: 16, minTimeMs: 0, timeoutMs: TIMEOUT_MS * 3, cacheTtlMs: 0, clock: systemClock }),
});
const cpu = process.cpuUsage();
started = performance.now();
for (let i = 0; i < 300; i++) await answering.reverse('192.0.2.10');
const wall = (performance.now() - started) / 300;
const used = process.cpuUsage(cpu);
console.log(`answering server, 300 PTR lookups in turn: ${wall.toFixed(2)} ms wall, ${((used.user + used.system) / 1000 / 300).toFixed(2)} ms CPU each (server included)`);
silent.close();
await dns.close();
