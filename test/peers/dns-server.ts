// A real DNS server (dns2) on loopback, UDP and TCP, serving a small zone that produces every
// outcome of the network check. Answers over 512 bytes are truncated on UDP, as real servers do.
import dns2 from 'dns2';
import { freePort } from './ports.ts';

const { Packet } = dns2;

export type Behaviour = 'servfail' | 'refused' | 'drop';

export interface Zone {
  ptr?: Record<string, string[] | Behaviour>;
  a?: Record<string, string[] | Behaviour>;
  aaaa?: Record<string, string[] | Behaviour>;
  cname?: Record<string, string>;
}

export interface DnsPeer {
  host: string;
  port: number;
  spec: string;
  queries: Array<{ name: string; type: string; transport: 'udp' | 'tcp' }>;
  close(): Promise<void>;
}

const TYPE_NAMES: Record<number, 'A' | 'AAAA' | 'PTR' | 'CNAME'> = { 1: 'A', 28: 'AAAA', 12: 'PTR', 5: 'CNAME' };

export async function startDnsServer(zone: Zone): Promise<DnsPeer> {
  const queries: DnsPeer['queries'] = [];
  const handler = (transport: 'udp' | 'tcp') => (request: InstanceType<typeof Packet>, send: (p: InstanceType<typeof Packet>) => void) => {
    const q = request.questions[0];
    if (!q) return;
    const name = q.name.toLowerCase();
    const type = TYPE_NAMES[q.type] ?? String(q.type);
    queries.push({ name, type, transport });
    const response = Packet.createResponseFromRequest(request);
    response.header.ra = 1;
    const table = type === 'PTR' ? zone.ptr : type === 'A' ? zone.a : type === 'AAAA' ? zone.aaaa : undefined;
    const entry = table?.[name];
    if (entry === 'drop') return;
    if (entry === 'servfail' || entry === 'refused') {
      response.header.rcode = entry === 'servfail' ? 2 : 5;
      send(response);
      return;
    }
    const base = { name: q.name, class: Packet.CLASS.IN, ttl: 60 };
    if (Array.isArray(entry)) {
      for (const value of entry) {
        response.answers.push(type === 'PTR' ? { ...base, type: Packet.TYPE.PTR, domain: value } as never : { ...base, type: Packet.TYPE[type as 'A'], address: value } as never);
      }
    } else if (zone.cname?.[name]) {
      // Only the first link of the chain, so the client has to follow it.
      response.answers.push({ ...base, type: Packet.TYPE.CNAME, domain: zone.cname[name] } as never);
    } else {
      const known = [zone.ptr, zone.a, zone.aaaa].some((t) => t && name in t) || (zone.cname && name in zone.cname);
      if (!known) response.header.rcode = 3;
    }
    send(response);
  };
  const port = await freePort();
  const udp = dns2.createUDPServer(handler('udp') as never);
  const tcp = dns2.createTCPServer(handler('tcp') as never);
  await udp.listen(port, '127.0.0.1');
  await new Promise<void>((resolve) => tcp.listen(port, '127.0.0.1', () => resolve()));
  return {
    host: '127.0.0.1',
    port,
    spec: `127.0.0.1:${port}`,
    queries,
    close: async () => {
      udp.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}

/** The zone the network tests and the conversation tests share. */
export function standardZone(): Zone {
  const manyNames = Array.from({ length: 14 }, (_, i) => `name-${i}-with-a-rather-long-label.example.com`);
  return {
    ptr: {
      '10.2.0.192.in-addr.arpa': ['host.example.se'],
      '20.2.0.192.in-addr.arpa': ['host.example.com'],
      '40.2.0.192.in-addr.arpa': ['liar.example.se'],
      '50.2.0.192.in-addr.arpa': 'servfail',
      '60.2.0.192.in-addr.arpa': 'refused',
      '70.2.0.192.in-addr.arpa': 'drop',
      '80.2.0.192.in-addr.arpa': [...manyNames, 'many.example.se'],
      '90.2.0.192.in-addr.arpa': ['alias.example.se'],
      '100.2.0.192.in-addr.arpa': ['broken.example.se'],
      '0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa': ['v6.example.se'],
    },
    a: {
      'host.example.se': ['192.0.2.10'],
      'host.example.com': ['192.0.2.20'],
      'liar.example.se': ['192.0.2.41'],
      'many.example.se': ['192.0.2.80'],
      'real.example.se': ['192.0.2.90'],
      'broken.example.se': 'servfail',
      ...Object.fromEntries(manyNames.map((n) => [n, ['203.0.113.1']])),
    },
    aaaa: { 'v6.example.se': ['2001:db8::10'] },
    cname: { 'alias.example.se': 'middle.example.se', 'middle.example.se': 'real.example.se' },
  };
}
