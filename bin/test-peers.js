#!/usr/bin/env node
// Run before `npm test` (npm's pretest): the tests talk to real peers from Debian's packages —
// dnsmasq (DNS), chronyd (NTP), oathtool (TOTP codes), Chromium (the web page). A fresh machine
// lacks them: as root with apt-get, this installs them, saying what; otherwise it stops at once
// with one line naming what is missing and the command that installs it.
import { execFileSync, spawnSync } from 'node:child_process';

const PEERS = [
  { command: 'dnsmasq', packages: ['dnsmasq-base'] },
  { command: 'chronyd', packages: ['chrony'] },
  { command: 'oathtool', packages: ['oathtool'] },
  { command: 'chromium', packages: ['chromium', 'fonts-dejavu-core'] },
];

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const missing = PEERS.filter((p) => !has(p.command));
if (missing.length === 0) process.exit(0);

const packages = missing.flatMap((p) => p.packages);
const install = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
const root = process.getuid?.() === 0;
if (!root || !has('apt-get')) {
  process.stderr.write(`npm test: missing ${missing.map((p) => p.command).join(', ')}; install with: sudo apt-get update && sudo ${install}\n`);
  process.exit(1);
}
process.stderr.write(`npm test: installing the test peers from Debian's packages: ${packages.join(' ')}\n`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
try {
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env });
} catch {
  process.stderr.write(`npm test: could not install ${packages.join(' ')}; try: apt-get update && ${install}\n`);
  process.exit(1);
}
const still = missing.filter((p) => !has(p.command));
if (still.length) {
  process.stderr.write(`npm test: still missing after the install: ${still.map((p) => p.command).join(', ')}\n`);
  process.exit(1);
}
