// DNS for the network check, with dns2: UDP with a timeout, and a TCP fallback of our own for
// truncated answers (dns2's TCP client has no timeout). Several servers are tried in turn; a
// definite "no such name" is an answer, not a reason to ask the next server.
import { randomInt } from 'node:crypto';
import { connect, isIP } from 'node:net';
import dns2 from 'dns2';
import type { DnsLookup, DnsPort } from '../ports/dns.ts';
import type { Upstream } from '../ports/upstream.ts';
import type { HostPort } from '../ports/net.ts';
import { parseIpAddress, reverseName } from '../checks/ip.ts';
import type { UpstreamGuard } from './limits.ts';
import { HelpdeskError, isHelpdeskError } from '../errors.ts';

const { Packet } = dns2;
type DnsPacket = InstanceType<typeof dns2.Packet>;

export type DnsServer = HostPort;

export interface Dns2ResolverOptions {
  servers: DnsServer[];
  udpTimeoutMs: number;
  tcpTimeoutMs: number;
  guard: UpstreamGuard;
}

type Answer = Upstream<DnsPacket>;

const MAX_CNAME_HOPS = 8;

export class Dns2Resolver implements DnsPort {
  constructor(private readonly o: Dns2ResolverOptions) {}

  async reverse(ip: string): Promise<DnsLookup> {
    const parsed = parseIpAddress(ip);
    if (!parsed) return { ok: false, reason: 'unavailable', detail: `not an address: ${ip}` };
    const r = await this.cached(reverseName(parsed), 'PTR');
    if (!r.ok) return r;
    const names = r.value.answers.filter((a) => a.type === Packet.TYPE.PTR && a.domain).map((a) => a.domain as string);
    return { ok: true, value: [...new Set(names)] };
  }

  async forward(name: string, family: 4 | 6): Promise<DnsLookup> {
    const type = family === 4 ? 'A' : 'AAAA';
    let current = name;
    for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      const r = await this.cached(current, type);
      if (!r.ok) return r;
      const answers = r.value.answers;
      const addresses = answers.filter((a) => a.type === Packet.TYPE[type] && a.address).map((a) => a.address as string);
      if (addresses.length) return { ok: true, value: addresses };
      // Follow the chain to its end; a resolver may have given only the first link.
      const seen = new Set([current.toLowerCase()]);
      let next: string | undefined;
      for (let c = answers.find((a) => a.type === Packet.TYPE.CNAME && a.name.toLowerCase() === current.toLowerCase()); c?.domain; ) {
        next = c.domain;
        if (seen.has(next.toLowerCase())) break;
        seen.add(next.toLowerCase());
        c = answers.find((a) => a.type === Packet.TYPE.CNAME && a.name.toLowerCase() === next?.toLowerCase());
      }
      if (!next || next.toLowerCase() === current.toLowerCase()) return { ok: true, value: [] };
      current = next;
    }
    return { ok: false, reason: 'unavailable', detail: `CNAME chain longer than ${MAX_CNAME_HOPS}` };
  }

  private cached(name: string, type: 'A' | 'AAAA' | 'PTR'): Promise<Answer> {
    return this.o.guard
      .run(`${type} ${name.toLowerCase()}`, () => this.query(name, type), (a) => a.ok || a.reason === 'not-found')
      .catch((err: Error) => ({ ok: false as const, reason: 'timeout' as const, detail: err.message }));
  }

  private async query(name: string, type: 'A' | 'AAAA' | 'PTR'): Promise<Answer> {
    let last: Answer = { ok: false, reason: 'unavailable', detail: 'no DNS servers configured' };
    for (const server of this.o.servers) {
      let packet: DnsPacket;
      try {
        const udp = dns2.UDPClient({
          dns: server.host,
          port: server.port,
          timeout: this.o.udpTimeoutMs,
          retryOverTCP: false,
          socketType: isIP(server.host) === 6 ? 'udp6' : 'udp4',
        } as Parameters<typeof dns2.UDPClient>[0]);
        packet = await udp(name, type);
        if (packet.header.tc) packet = await tcpQuery(server, name, type, this.o.tcpTimeoutMs);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        last = { ok: false, reason: e.code === 'ETIMEDOUT' || isHelpdeskError(e, 'upstream.timeout') ? 'timeout' : 'unavailable', detail: `${server.host}:${server.port}: ${e.message}` };
        continue;
      }
      switch (packet.header.rcode) {
        case 0:
          return { ok: true, value: packet };
        case 3:
          return { ok: false, reason: 'not-found', detail: `${name}: no such name` };
        case 5:
          last = { ok: false, reason: 'unavailable', detail: `${server.host}:${server.port} refused ${name}` };
          break;
        default:
          last = { ok: false, reason: 'unavailable', detail: `${server.host}:${server.port} answered SERVFAIL (rcode ${packet.header.rcode}) for ${name}` };
      }
    }
    return last;
  }
}

/** One query over TCP (RFC 1035 4.2.2: two-byte length prefix), bounded by its own timeout. */
export function tcpQuery(server: DnsServer, name: string, type: 'A' | 'AAAA' | 'PTR', timeoutMs: number): Promise<DnsPacket> {
  const query = new Packet();
  query.header.id = randomInt(0x10000);
  query.header.rd = 1;
  query.questions.push({ name, type: Packet.TYPE[type], class: Packet.CLASS.IN } as DnsPacket['questions'][number]);
  const body = query.toBuffer();
  const frame = Buffer.concat([Buffer.from([body.length >> 8, body.length & 0xff]), body]);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.host, port: server.port });
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (err: Error & { code?: string }) => {
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new HelpdeskError('upstream.timeout', `DNS over TCP timed out after ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => socket.write(frame));
    socket.on('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      size += chunk.length;
      const all = Buffer.concat(chunks, size);
      if (all.length >= 2 && all.length >= 2 + all.readUInt16BE(0)) {
        clearTimeout(timer);
        socket.destroy();
        try {
          const packet = Packet.parse(all.subarray(2, 2 + all.readUInt16BE(0)));
          if (packet.header.id !== query.header.id) throw new HelpdeskError('upstream.malformed', 'DNS over TCP: answer to another query');
          resolve(packet);
        } catch (err) {
          reject(err as Error);
        }
      }
    });
    socket.on('end', () => {
      clearTimeout(timer);
      fail(new HelpdeskError('upstream.unavailable', 'DNS over TCP: connection closed before a full answer'));
    });
  });
}
