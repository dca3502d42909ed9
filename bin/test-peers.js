#!/usr/bin/env node
// Run before `npm test` (npm's pretest): the tests talk to real peers from Debian's packages —
// dnsmasq (DNS), chronyd (NTP), oathtool (TOTP codes), Chromium (the web page) — and to a running
// PostgreSQL and Redis (the store and limits of several replicas; TEST_DATABASE_URL, TEST_REDIS_URL).
// A fresh machine lacks them: as root with apt-get, this installs and starts them, saying what;
// otherwise it stops at once with one line naming what is missing and the command that installs it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';

const PEERS = [
  { command: 'dnsmasq', packages: ['dnsmasq-base'] },
  { command: 'chronyd', packages: ['chrony'] },
  { command: 'oathtool', packages: ['oathtool'] },
  { command: 'chromium', packages: ['chromium', 'fonts-dejavu-core'] },
  // promtool checks deploy/prometheus-alerts.yml and the dashboard's queries (19 MB download).
  { command: 'promtool', packages: ['prometheus'] },
  // docker-compose 1.29 parses deploy/compose.yaml without a daemon (`config`; about 35 s to install).
  { command: 'docker-compose', packages: ['docker-compose'] },
  // OpenLDAP (the LDAP back-ends' tests start their own slapd; an ordinary user's PATH lacks /usr/sbin).
  { command: 'slapd', packages: ['slapd'], path: '/usr/sbin/slapd' },
  { command: 'ldapadd', packages: ['ldap-utils'] },
  // Request Tracker 5 (the rt sink's tests start their own rt-server on a copy of its SQLite database;
  // about 260 packages, mostly Perl, installed in about 30 s). Told to use SQLite before it is installed.
  {
    command: 'rt-server',
    packages: ['request-tracker5', 'rt5-db-sqlite', 'rt5-standalone'],
    path: '/usr/share/request-tracker5/libexec/rt-server',
    preseed: ['request-tracker5 request-tracker5/dbconfig-install boolean true', 'request-tracker5 request-tracker5/database-type select sqlite3'],
  },
];

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const root = process.getuid?.() === 0;
const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

await services();
const present = (p) => has(p.command) || (p.path !== undefined && existsSync(p.path));
const missing = PEERS.filter((p) => !present(p));
if (missing.length === 0) process.exit(0);

const packages = missing.flatMap((p) => p.packages);
const install = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
if (!root || !has('apt-get')) {
  process.stderr.write(`npm test: missing ${missing.map((p) => p.command).join(', ')}; install with: sudo apt-get update && sudo ${install}\n`);
  process.exit(1);
}
process.stderr.write(`npm test: installing the test peers from Debian's packages: ${packages.join(' ')}\n`);
const started = Date.now();
// Packages that bring a daemon (exim4 with RT) must not start it: a policy-rc.d that refuses, for the
// install only, unless the machine has one already.
const policy = '/usr/sbin/policy-rc.d';
const ownPolicy = !existsSync(policy);
try {
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  const preseed = missing.flatMap((p) => p.preseed ?? []);
  if (preseed.length) execFileSync('debconf-set-selections', [], { input: `${preseed.join('\n')}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env: aptEnv });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env: aptEnv });
} catch {
  process.stderr.write(`npm test: could not install ${packages.join(' ')}; try: apt-get update && ${install}\n`);
  process.exit(1);
} finally {
  if (ownPolicy) rmSync(policy, { force: true });
}
process.stderr.write(`npm test: installed in ${Math.round((Date.now() - started) / 1000)} s\n`);
const still = missing.filter((p) => !present(p));
if (still.length) {
  process.stderr.write(`npm test: still missing after the install: ${still.map((p) => p.command).join(', ')}\n`);
  process.exit(1);
}

/** Is something listening there? */
function reachable(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(u.port), u.hostname.replace(/^\[|\]$/g, ''));
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1500, () => done(false));
  });
}

/**
 * PostgreSQL and Redis on loopback. When they do not answer and this runs as root, Debian's packages
 * are installed and started the way the tests expect them: Redis keeping nothing on disk, and a
 * database `test` the user postgres (password postgres) can use over TCP.
 */
async function services() {
  const database = process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/test';
  const redis = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  const down = [];
  if (!(await reachable(database))) down.push('postgresql');
  if (!(await reachable(redis))) down.push('redis');
  if (!down.length) return;
  const hint = `start ${down.length > 1 ? 'them' : 'it'}, or install with: sudo apt-get install -y postgresql redis-server (or point TEST_DATABASE_URL and TEST_REDIS_URL at running ones)`;
  if (!root || !has('apt-get') || process.env.TEST_DATABASE_URL || process.env.TEST_REDIS_URL) {
    process.stderr.write(`npm test: ${down.join(' and ')} not answering at ${[down.includes('postgresql') ? database.replace(/:[^:@/]*@/, '@') : '', down.includes('redis') ? redis : ''].filter(Boolean).join(' and ')}; ${hint}\n`);
    process.exit(1);
  }
  process.stderr.write(`npm test: starting ${down.join(' and ')} for the tests (from Debian's packages)\n`);
  try {
    const packages = [...(down.includes('postgresql') && !has('pg_ctlcluster') ? ['postgresql'] : []), ...(down.includes('redis') && !has('redis-server') ? ['redis-server'] : [])];
    if (packages.length) {
      execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env: aptEnv });
      execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env: aptEnv });
    }
    if (down.includes('redis')) execFileSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    if (down.includes('postgresql')) {
      const version = execFileSync('sh', ['-c', 'ls /etc/postgresql | sort -n | tail -1'], { encoding: 'utf8' }).trim();
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'ignore' });
      const psql = (sql) => execFileSync('su', ['postgres', '-c', `psql -qAt -c "${sql}"`], { encoding: 'utf8' }).trim();
      psql("ALTER USER postgres PASSWORD 'postgres'");
      if (psql("SELECT 1 FROM pg_database WHERE datname = 'test'") !== '1') psql('CREATE DATABASE test');
    }
  } catch (err) {
    process.stderr.write(`npm test: could not start ${down.join(' and ')} (${err.message.split('\n')[0]}); ${hint}\n`);
    process.exit(1);
  }
  for (const [name, url] of [['postgresql', database], ['redis', redis]]) {
    for (let i = 0; i < 50 && down.includes(name) && !(await reachable(url)); i++) await new Promise((r) => setTimeout(r, 200));
  }
}
