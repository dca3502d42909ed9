// Request Tracker 5 (Debian's request-tracker5, rt5-db-sqlite, rt5-standalone) on loopback for a test:
// rt-server on a free port over a copy of the SQLite database the package created, with a site config
// of its own (RT_SITE_CONFIG, RT_SITE_CONFIG_DIR), so nothing under /etc is read or changed. The
// initial login root / password; mail RT would send is written to a file (MailCommand testfile).
// Everyone may create and reply by mail (as a helpdesk's RT allows), so rt-mailgate files tickets.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './ports.ts';
import { tempDir } from './processes.ts';

const RT_SERVER = '/usr/share/request-tracker5/libexec/rt-server';
const TEMPLATE_DB = '/var/lib/dbconfig-common/sqlite3/request-tracker5/rtdb';
const SETUP = existsSync('/usr/sbin/rt-setup-database-5') ? '/usr/sbin/rt-setup-database-5' : 'rt-setup-database-5';
const EVERYONE_MAY_MAIL = `@ACL = (${['CreateTicket', 'ReplyToTicket', 'CommentOnTicket']
  .map((right) => `{ GroupDomain => 'SystemInternal', GroupType => 'Everyone', Right => '${right}' }`)
  .join(', ')});\n1;\n`;
export const RT_NAME = 'helpdesk.test';
export const RT_USER = 'root';
export const RT_PASSWORD = 'password';

export interface RtPeer {
  url: string;
  dir: string;
  /** Answers REST2 with root's basic auth. */
  rest<T = unknown>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T>;
  /** Hands a raw mail to RT's mail gateway as rt-mailgate does (its exit status). */
  mailgate(raw: string, action?: 'correspond' | 'comment'): Promise<number>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startRt(): Promise<RtPeer> {
  if (!existsSync(RT_SERVER)) throw new Error(`${RT_SERVER} is missing; npm test's pretest (bin/test-peers.js) installs request-tracker5 rt5-db-sqlite rt5-standalone`);
  try {
    accessSync(TEMPLATE_DB, constants.R_OK);
  } catch {
    throw new Error(`${TEMPLATE_DB} cannot be read: run the tests as root, or make it readable (it is RT's empty database from the package)`);
  }
  const dir = tempDir('rt');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  copyFileSync(TEMPLATE_DB, path.join(dir, 'rtdb'));
  mkdirSync(path.join(dir, 'conf.d'));
  writeFileSync(
    path.join(dir, 'RT_SiteConfig.pm'),
    [
      `Set($rtname, '${RT_NAME}');`,
      `Set($Organization, '${RT_NAME}');`,
      "Set($DatabaseType, 'SQLite');",
      `Set($DatabaseName, '${path.join(dir, 'rtdb')}');`,
      `Set($WebPort, ${port});`,
      "Set($WebDomain, '127.0.0.1');",
      "Set($WebPath, '');",
      `Set($WebBaseURL, '${url}');`,
      "Set($LogToSTDERR, 'error');",
      'Set($LogToSyslog, undef);',
      'Set($LogToFile, undef);',
      `Set($CorrespondAddress, 'rt@${RT_NAME}');`,
      `Set($CommentAddress, 'rt-comment@${RT_NAME}');`,
      "Set($MailCommand, 'testfile');",
      '1;',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, RT_SITE_CONFIG: path.join(dir, 'RT_SiteConfig.pm'), RT_SITE_CONFIG_DIR: path.join(dir, 'conf.d') };
  writeFileSync(path.join(dir, 'acl.pl'), EVERYONE_MAY_MAIL);
  execFileSync(SETUP, ['--action', 'insert', '--datafile', path.join(dir, 'acl.pl'), '--skip-create'], { env, cwd: dir, stdio: 'ignore' });
  const auth = `Basic ${Buffer.from(`${RT_USER}:${RT_PASSWORD}`).toString('base64')}`;
  let child: ChildProcess | undefined;
  let output = '';

  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    // Its own process group: rt-server forks workers that outlive a SIGTERM to the parent alone.
    child = spawn(RT_SERVER, ['--port', String(port)], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const deadline = Date.now() + 90_000;
    for (;;) {
      const ok = await fetch(`${url}/REST/2.0/queues/all`, { headers: { authorization: auth }, signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`rt-server did not answer on ${url}:\n${output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      const c = child;
      if (!c || c.exitCode !== null) return resolve();
      c.once('exit', () => resolve());
      try {
        process.kill(-(c.pid as number), 'SIGKILL');
      } catch {
        c.kill('SIGKILL');
      }
    });
  await start();
  return {
    url,
    dir,
    async rest(method, p, body) {
      const res = await fetch(`${url}/REST/2.0/${p}`, {
        method,
        headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`RT ${method} ${p}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as never;
    },
    mailgate(raw, action = 'correspond') {
      return new Promise((resolve, reject) => {
        const gate = spawn('rt-mailgate', ['--queue', 'General', '--action', action, '--url', `${url}/`], { stdio: ['pipe', 'pipe', 'pipe'] });
        let err = '';
        gate.stderr.on('data', (d) => (err += d));
        gate.once('error', reject);
        gate.once('exit', (code) => (code === 0 ? resolve(0) : reject(new Error(`rt-mailgate exited with ${code}: ${err}`))));
        gate.stdin.end(raw);
      });
    },
    stop,
    start,
    close: stop,
  };
}
