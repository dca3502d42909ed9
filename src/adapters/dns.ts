// DNS for the network check through node's own resolver (c-ares): UDP with a timeout, and TCP when
// an answer comes back truncated (c-ares retries over TCP itself, with the same timeout). One
// resolver per server, asked in turn: node's resolver hands back SERVFAIL and REFUSED as they are,
// and trying the next server is ours to do; a definite "no such name" is an answer, not a reason to
// ask the next server. (Until issue 20 this was dns2 over UDP with a TCP fallback of our own: see
// the README, "Libraries for the plumbing".)
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { DnsLookup, DnsPort } from '../ports/dns.ts';
import type { HostPort } from '../ports/net.ts';
import { parseIpAddress, reverseName } from '../checks/ip.ts';
import type { UpstreamGuard } from './limits.ts';

export interface DnsResolverOptions {
  servers: HostPort[];
  /** For one server's answer, over UDP and, for a truncated one, over TCP. */
  timeoutMs: number;
  guard: UpstreamGuard;
}

/**
 * A lookup's answer; `alias`: the answer held records but no address. c-ares then answers an empty
 * list (a name with no records at all is ENODATA), and drops the CNAME: it is asked for apart.
 */
type Answer = { ok: true; value: string[]; alias?: true } | Exclude<DnsLookup, { ok: true }>;
type Ask = (resolver: Resolver) => Promise<string[]>;

const MAX_CNAME_HOPS = 8;

export class DnsResolver implements DnsPort {
  private readonly resolvers: Array<{ server: string; resolver: Resolver }>;

  constructor(private readonly o: DnsResolverOptions) {
    this.resolvers = o.servers.map((s) => {
      const server = isIP(s.host) === 6 ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
      const resolver = new Resolver({ timeout: o.timeoutMs, tries: 1 });
      resolver.setServers([server]);
      return { server, resolver };
    });
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
    for (const { server, resolver } of this.resolvers) {
      try {
        const value = await ask(resolver);
        return value.length ? { ok: true, value } : { ok: true, value, alias: true };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENODATA') return { ok: true, value: [] };
        if (code === 'ENOTFOUND') return { ok: false, reason: 'not-found', detail: `${key}: no such name` };
        // ETIMEOUT, ESERVFAIL, EREFUSED, ECONNREFUSED, a bad answer: the next server may do better.
        last = { ok: false, reason: code === 'ETIMEOUT' ? 'timeout' : 'unavailable', detail: `${server}: ${code ?? (err as Error).message} for ${key}` };
      }
    }
    return last;
  }
}
