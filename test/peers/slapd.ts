// OpenLDAP's slapd (Debian slapd 2.5) on loopback for a test: an mdb database in a temporary folder,
// the core/cosine/inetorgperson/nis schemas, the ppolicy and otp overlays (their schemas are built
// into the modules in 2.5), seeded with ldapadd. ACLs as docs/back-ends.md asks of a real directory: the
// bot's service account reads people, never userPassword or oathSecret.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { generateSecret } from 'otplib';
import { freePort } from './ports.ts';
import { startDaemon, tempDir, type Daemon } from './processes.ts';

/** Debian puts slapd in /usr/sbin, which an ordinary user's PATH lacks. */
const SLAPD = existsSync('/usr/sbin/slapd') ? '/usr/sbin/slapd' : 'slapd';

export const BASE_DN = 'ou=people,dc=example,dc=org';
export const ADMIN_DN = 'cn=admin,dc=example,dc=org';
export const ADMIN_PASSWORD = 'admin-secret-1';
export const BOT_DN = 'cn=helpdesk,ou=services,dc=example,dc=org';
export const BOT_PASSWORD = 'Bot-Bind-Pa55word-xyzzy';
/** olga's TOTP secret (base32) and password: a real bind with password + code proves the overlay runs. */
export const OLGA_SECRET = generateSecret();
export const OLGA_PASSWORD = 'olga-pass';

export interface SlapdPeer {
  url: string;
  /** With `tls`: ldaps:// on its own port, the CA that signed the server's certificate. */
  ldapsUrl?: string;
  caFile?: string;
  dir: string;
  daemon: Daemon;
  /** Stops slapd (the database stays), and starts it again on the same ports. */
  stop(): Promise<void>;
  start(): Promise<void>;
  ldapsearch(args: string[]): Promise<string>;
  close(): Promise<void>;
}

function base32ToBase64(b32: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of b32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = bits.match(/.{8}/g)?.map((b) => parseInt(b, 2)) ?? [];
  return Buffer.from(bytes).toString('base64');
}

/** The seeded people: one for each state the account and token checks can see. */
export function seedLdif(now = Date.now()): string {
  const day = Math.floor(now / 86_400_000);
  const person = (uid: string, extra: string[], classes: string[] = []) =>
    [
      `dn: uid=${uid},${BASE_DN}`,
      'objectClass: inetOrgPerson',
      'objectClass: posixAccount',
      'objectClass: shadowAccount',
      ...classes.map((c) => `objectClass: ${c}`),
      `uid: ${uid}`,
      `cn: ${uid}`,
      `sn: ${uid}`,
      `mail: ${uid}@example.org`,
      `uidNumber: ${1000 + uid.length * 7 + uid.charCodeAt(0)}`,
      'gidNumber: 1000',
      `homeDirectory: /home/${uid}`,
      `userPassword: ${uid}-pass`,
      ...extra,
      '',
    ].join('\n');
  return [
    ['dn: dc=example,dc=org', 'objectClass: dcObject', 'objectClass: organization', 'dc: example', 'o: Example', ''].join('\n'),
    ['dn: ou=people,dc=example,dc=org', 'objectClass: organizationalUnit', 'ou: people', ''].join('\n'),
    ['dn: ou=services,dc=example,dc=org', 'objectClass: organizationalUnit', 'ou: services', ''].join('\n'),
    ['dn: ou=tokens,dc=example,dc=org', 'objectClass: organizationalUnit', 'ou: tokens', ''].join('\n'),
    [`dn: ${BOT_DN}`, 'objectClass: organizationalRole', 'objectClass: simpleSecurityObject', 'cn: helpdesk', `userPassword: ${BOT_PASSWORD}`, ''].join('\n'),
    [
      'dn: cn=totp-params,ou=tokens,dc=example,dc=org',
      'objectClass: device',
      'objectClass: oathTOTPParams',
      'cn: totp-params',
      'oathOTPLength: 6',
      'oathHMACAlgorithm: 1.2.840.113549.2.7',
      'oathTOTPTimeStepPeriod: 30',
      'oathTOTPTimeStepWindow: 3',
      '',
    ].join('\n'),
    [
      'dn: cn=olga-totp,ou=tokens,dc=example,dc=org',
      'objectClass: device',
      'objectClass: oathTOTPToken',
      'cn: olga-totp',
      `oathSecret:: ${base32ToBase64(OLGA_SECRET)}`,
      'oathTokenSerialNumber: TOTP-OLGA-1',
      'oathTOTPParams: cn=totp-params,ou=tokens,dc=example,dc=org',
      '',
    ].join('\n'),
    person('alice', ['loginShell: /bin/bash', `shadowExpire: ${day + 200}`]),
    person('frank', ['loginShell: /bin/bash', `shadowExpire: ${day - 30}`]),
    person('nora', ['loginShell: /sbin/nologin']),
    person('lars', ['loginShell: /bin/bash']),
    person('olga', ['loginShell: /bin/bash', 'oathTOTPToken: cn=olga-totp,ou=tokens,dc=example,dc=org'], ['oathTOTPUser']),
  ].join('\n');
}

/** The password policy's lock, as an administrator sets it (the attribute is operational: relax control). */
export const LOCKED_AT = '20261101120000Z';

function certificates(dir: string): { ca: string; cert: string; key: string } {
  const ca = path.join(dir, 'ca.pem');
  const caKey = path.join(dir, 'ca.key');
  const key = path.join(dir, 'server.key');
  const csr = path.join(dir, 'server.csr');
  const cert = path.join(dir, 'server.pem');
  const ext = path.join(dir, 'server.ext');
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', ca, '-days', '2', '-subj', '/CN=2fa-helpdesk test CA']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=localhost']);
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  return { ca, cert, key };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/**
 * `tls`: LDAPS on a port of its own and StartTLS, with a throwaway CA. `extraLdif`: more entries
 * (the bench's users). `logSearches`: slapd logs each operation (loglevel stats), for counting them.
 */
export async function startSlapd(options: { tls?: boolean; extraLdif?: string; logSearches?: boolean } = {}): Promise<SlapdPeer> {
  const dir = tempDir('slapd');
  mkdirSync(path.join(dir, 'db'));
  const port = await freePort();
  const tlsPort = options.tls ? await freePort() : undefined;
  const tls = options.tls ? certificates(dir) : undefined;
  const conf = path.join(dir, 'slapd.conf');
  writeFileSync(
    conf,
    [
      ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include /etc/ldap/schema/${s}.schema`),
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'moduleload ppolicy',
      'moduleload otp',
      `pidfile ${dir}/slapd.pid`,
      `argsfile ${dir}/slapd.args`,
      ...(tls ? [`TLSCACertificateFile ${tls.ca}`, `TLSCertificateFile ${tls.cert}`, `TLSCertificateKeyFile ${tls.key}`] : []),
      'database mdb',
      'maxsize 67108864',
      'suffix "dc=example,dc=org"',
      `rootdn "${ADMIN_DN}"`,
      `rootpw ${ADMIN_PASSWORD}`,
      `directory ${dir}/db`,
      'overlay ppolicy',
      'overlay otp',
      // Secrets: nobody reads them (binds still use userPassword; the overlay reads oathSecret itself).
      'access to attrs=userPassword by anonymous auth by * none',
      'access to attrs=oathSecret by * none',
      `access to * by dn.exact="${BOT_DN}" read by self read by anonymous auth by * none`,
      '',
    ].join('\n'),
  );
  const urls = [`ldap://127.0.0.1:${port}/`, ...(tlsPort ? [`ldaps://127.0.0.1:${tlsPort}/`] : [])].join(' ');
  const level = options.logSearches ? '256' : '0';
  let daemon = await spawnSlapd(conf, urls, port, level);
  const url = `ldap://127.0.0.1:${port}`;
  // Asynchronous: slapd's log goes through a pipe this process must keep reading meanwhile.
  const ldap = (cmd: string, args: string[], input?: string) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(cmd, ['-x', '-H', url, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${err}`))));
      child.stdin.end(input ?? '');
    });
  await ldap('ldapadd', ['-D', ADMIN_DN, '-w', ADMIN_PASSWORD], seedLdif() + (options.extraLdif ? `\n${options.extraLdif}` : ''));
  await ldap('ldapmodify', ['-D', ADMIN_DN, '-w', ADMIN_PASSWORD, '-e', 'relax'], [`dn: uid=lars,${BASE_DN}`, 'changetype: modify', 'add: pwdAccountLockedTime', `pwdAccountLockedTime: ${LOCKED_AT}`, ''].join('\n'));
  return {
    url,
    ...(tlsPort ? { ldapsUrl: `ldaps://127.0.0.1:${tlsPort}` } : {}),
    ...(tls ? { caFile: tls.ca } : {}),
    dir,
    get daemon() {
      return daemon;
    },
    stop: () => daemon.stop(),
    async start() {
      daemon = await spawnSlapd(conf, urls, port, level);
    },
    ldapsearch: (args) => ldap('ldapsearch', args),
    close: () => daemon.stop(),
  };
}

async function spawnSlapd(conf: string, urls: string, port: number, level: string): Promise<Daemon> {
  // slapd -d stays in the foreground; it is ready when the port answers.
  let ready = false;
  const poll = setInterval(() => void listening(port).then((ok) => (ready ||= ok)), 50);
  try {
    return await startDaemon(SLAPD, ['-d', level, '-f', conf, '-h', urls], () => ready, 60_000);
  } finally {
    clearInterval(poll);
  }
}
