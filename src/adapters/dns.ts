// DNS for the network check through node's own resolver (c-ares): UDP, and TCP when an answer
// comes back truncated (c-ares retries over TCP itself). Servers are asked in turn: node's resolver
// hands back SERVFAIL and REFUSED as they are, and trying the next server is ours to do; a definite
// "no such name" is an answer, not a reason to ask the next server. The deadline per server is ours
// too: c-ares checks its timeouts on a timer that ticks every min(timeout, 1 s), so a silent server
// would cost up to a second more than DNS_TIMEOUT_MS. Why node's resolver: docs/architecture.md,
// "Libraries, and why".
import { Resolver, lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { DnsLookup, DnsPort } from '../ports/dns.ts';
import type { HostPort } from '../ports/net.ts';
import { systemClock, type Clock } from '../ports/time.ts';
import { parseIpAddress, reverseName } from '../checks/ip.ts';
import type { UpstreamGuard } from './limits.ts';

export interface DnsResolverOptions {
  /** Addresses or names (DNS_SERVERS is host[:port]); c-ares itself takes addresses only. */
  servers: HostPort[];
  /** For one server's answer, over UDP and, for a truncated one, over TCP. */
  timeoutMs: number;
  guard: UpstreamGuard;
  clock?: Clock;
  /** How long a server's name, once looked up, is trusted; a failure looks it up again sooner. */
  serverNameTtlMs?: number;
  /** The addresses of a server's name: node's dns.lookup (hosts file, then the system's DNS). */
  lookupServer?: (name: string) => Promise<string[]>;
}

/**
 * A lookup's answer; `alias`: the answer held records but no address. c-ares then answers an empty
 * list (a name with no records at all is ENODATA), and drops the CNAME: it is asked for apart.
 */
type Answer = { ok: true; value: string[]; alias?: true } | Exclude<DnsLookup, { ok: true }>;
type Ask = (resolver: Resolver) => Promise<string[]>;

const MAX_CNAME_HOPS = 8;
const SERVER_NAME_TTL_MS = 5 * 60_000;

const systemLookup = async (name: string) => (await lookup(name, { all: true })).map((a) => a.address);
const serverAddress = (host: string, port: number) => (isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`);

/** One configured server: its address, or its name's addresses, looked up when needed and kept a while. */
class DnsServer {
  private known?: { addresses: string[]; until: number };

  constructor(
    private readonly spec: HostPort,
    private readonly o: Required<Pick<DnsResolverOptions, 'clock' | 'serverNameTtlMs' | 'lookupServer'>>,
  ) {}

  get name(): string {
    return serverAddress(this.spec.host, this.spec.port);
  }

  /** Addresses to ask (`host:port` as c-ares takes them); an Error when the name cannot be found. */
  async addresses(): Promise<string[] | Error> {
    if (isIP(this.spec.host)) return [this.name];
    if (this.known && this.known.until > this.o.clock.now()) return this.known.addresses;
    try {
      const ips = await this.o.lookupServer(this.spec.host);
      if (!ips.length) return new Error('no address');
      const addresses = ips.map((ip) => serverAddress(ip, this.spec.port));
      this.known = { addresses, until: this.o.clock.now() + this.o.serverNameTtlMs };
      return addresses;
    } catch (err) {
      return err as Error;
    }
  }

  /** The server did not answer: its name may point elsewhere by now. */
  failed(): void {
    this.known = undefined;
  }
}

export class DnsResolver implements DnsPort {
  private readonly servers: DnsServer[];
  /** Resolvers with no lookup in flight, by server address: reused, as making one costs CPU. */
  private readonly idle = new Map<string, Resolver[]>();

  constructor(private readonly o: DnsResolverOptions) {
    const names = {
      clock: o.clock ?? systemClock,
      serverNameTtlMs: o.serverNameTtlMs ?? SERVER_NAME_TTL_MS,
      lookupServer: o.lookupServer ?? systemLookup,
    };
    this.servers = o.servers.map((s) => new DnsServer(s, names));
  }

  async reverse(ip: string): Promise<DnsLookup> {
    const parsed = parseIpAddress(ip);
    if (!parsed) return { ok: false, reason: 'unavailable', detail: `not an address: ${ip}` };
    const name = reverseName(parsed);
    const r = await this.cached(`PTR ${name}`, (x) => x.resolvePtr(name));
    return r.ok ? { ok: true, value: [...new Set(r.value)] } : r;
  }

  async forward(name: string, family: 4 | 6): Promise<DnsLookup> {
    const seen = new Set<string>();
    let current = name;
    for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      const key = current.toLowerCase();
      const asked = current;
      const r = await this.cached(`${family === 4 ? 'A' : 'AAAA'} ${key}`, (x) => (family === 4 ? x.resolve4(asked) : x.resolve6(asked)));
      if (!r.ok) return r;
      if (r.value.length || !r.alias) return { ok: true, value: r.value };
      // An alias whose chain the server gave only the first link of: follow it to its end.
      seen.add(key);
      const link = await this.cached(`CNAME ${key}`, (x) => x.resolveCname(asked));
      const next = link.ok ? link.value[0] : undefined;
      if (!next || seen.has(next.toLowerCase())) return { ok: true, value: [] };
      current = next;
    }
    return { ok: false, reason: 'unavailable', detail: `CNAME chain longer than ${MAX_CNAME_HOPS}` };
  }

  private cached(key: string, ask: Ask): Promise<Answer> {
    return this.o.guard
      .run(key, () => this.query(key, ask), (a) => a.ok || a.reason === 'not-found')
      .catch((err: Error) => ({ ok: false as const, reason: 'timeout' as const, detail: err.message }));
  }

  private async query(key: string, ask: Ask): Promise<Answer> {
    let last: Answer = { ok: false, reason: 'unavailable', detail: 'no DNS servers configured' };
    for (const server of this.servers) {
      const addresses = await server.addresses();
      if (addresses instanceof Error) {
        last = { ok: false, reason: 'unavailable', detail: `DNS server ${server.name} unknown: ${(addresses as NodeJS.ErrnoException).code ?? addresses.message}` };
        continue;
      }
      for (const address of addresses) {
        const answer = await this.askOne(address, key, ask);
        if (answer.ok || answer.reason === 'not-found') return answer;
        server.failed();
        last = answer;
      }
    }
    return last;
  }

  /**
   * One server, one lookup, under our own deadline: a resolver no other lookup is using at the
   * time, so that cancelling it at the deadline ends this lookup and no other.
   */
  private async askOne(address: string, key: string, ask: Ask): Promise<Answer> {
    const resolver = this.idle.get(address)?.pop() ?? this.newResolver(address);
    const deadline = setTimeout(() => resolver.cancel(), this.o.timeoutMs);
    try {
      const value = await ask(resolver);
      return value.length ? { ok: true, value } : { ok: true, value, alias: true };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENODATA') return { ok: true, value: [] };
      if (code === 'ENOTFOUND') return { ok: false, reason: 'not-found', detail: `${key}: no such name` };
      // ETIMEOUT, ECANCELLED (our deadline), ESERVFAIL, EREFUSED, ECONNREFUSED, a bad answer: the
      // next server may do better.
      const timedOut = code === 'ETIMEOUT' || code === 'ECANCELLED';
      return { ok: false, reason: timedOut ? 'timeout' : 'unavailable', detail: `${address}: ${timedOut ? 'no answer' : code ?? (err as Error).message} for ${key}` };
    } finally {
      clearTimeout(deadline);
      const idle = this.idle.get(address);
      if (idle) idle.push(resolver);
      else this.idle.set(address, [resolver]);
    }
  }

  private newResolver(address: string): Resolver {
    const resolver = new Resolver({ timeout: this.o.timeoutMs, tries: 1 });
    resolver.setServers([address]);
    return resolver;
  }
}
