// dnsmasq (Debian dnsmasq-base) on a loopback port, authoritative for the test names, as an
// independent DNS implementation next to the dns2 server.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './ports.ts';
import { startDaemon, tempDir, type Daemon } from './processes.ts';

export interface DnsmasqPeer {
  spec: string;
  daemon: Daemon;
  close(): Promise<void>;
}

export async function startDnsmasq(): Promise<DnsmasqPeer> {
  const port = await freePort();
  const dir = tempDir('dnsmasq');
  const conf = path.join(dir, 'dnsmasq.conf');
  writeFileSync(
    conf,
    [
      `port=${port}`,
      'listen-address=127.0.0.1',
      'bind-interfaces',
      'no-resolv',
      'no-hosts',
      'no-poll',
      'user=root',
      'log-queries',
      // Authoritative "no such name" for everything in the test zones that is not listed.
      'local=/example.se/',
      'local=/example.com/',
      'local=/2.0.192.in-addr.arpa/',
      'local=/8.b.d.0.1.0.0.2.ip6.arpa/',
      'host-record=host.example.se,192.0.2.10',
      'host-record=host.example.com,192.0.2.20',
      'host-record=v6.example.se,2001:db8::10',
      'ptr-record=40.2.0.192.in-addr.arpa,liar.example.se',
      'address=/liar.example.se/192.0.2.41',
      'ptr-record=90.2.0.192.in-addr.arpa,alias.example.se',
      'cname=alias.example.se,real.example.se',
      'host-record=real.example.se,192.0.2.90',
    ].join('\n'),
  );
  const daemon = await startDaemon('dnsmasq', ['--keep-in-foreground', '--log-facility=-', `--conf-file=${conf}`, '--pid-file='], (out) => /started, version/.test(out));
  return { spec: `127.0.0.1:${port}`, daemon, close: () => daemon.stop() };
}
