// chronyd (Debian chrony) serving NTP on a loopback port from the local clock, without touching
// the system clock (-x).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './ports.ts';
import { startDaemon, tempDir, type Daemon } from './processes.ts';

export async function startChrony(): Promise<{ spec: string; daemon: Daemon; close(): Promise<void> }> {
  const port = await freePort();
  const dir = tempDir('chrony');
  const conf = path.join(dir, 'chrony.conf');
  writeFileSync(
    conf,
    [`port ${port}`, 'bindaddress 127.0.0.1', 'local stratum 10', 'allow 127.0.0.1', 'cmdport 0', `pidfile ${dir}/chronyd.pid`, `driftfile ${dir}/drift`].join('\n'),
  );
  const daemon = await startDaemon('chronyd', ['-x', '-d', '-u', 'root', '-f', conf], (out) => /Disabled control of system clock/.test(out));
  return { spec: `127.0.0.1:${port}`, daemon, close: () => daemon.stop() };
}
