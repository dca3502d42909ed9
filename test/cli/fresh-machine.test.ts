// What `npm test` does on a machine without the Debian peers the tests need: as an ordinary user
// it stops at once with one line naming what is missing and the command that installs it.
import { chmodSync, copyFileSync, mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

describe('the test peers on a fresh machine', () => {
  it('an ordinary user without them gets one line: what is missing, and the install command', () => {
    // A PATH with a shell and nothing else: none of dnsmasq, chronyd, oathtool, chromium, promtool, docker-compose, ldapadd.
    const bin = mkdtempSync(path.join(os.tmpdir(), '2fa-path-'));
    symlinkSync('/bin/sh', path.join(bin, 'sh'));
    const asRoot = process.getuid?.() === 0;
    // As root the script runs as nobody, who may not read this checkout (a clone in a 0700 folder):
    // it gets its own copy of the script, in a folder anyone can read.
    const readable = mkdtempSync(path.join(os.tmpdir(), '2fa-peers-'));
    chmodSync(readable, 0o755);
    const script = path.join(readable, 'test-peers.js');
    copyFileSync(path.join(ROOT, 'bin/test-peers.js'), script);
    chmodSync(script, 0o644);
    chmodSync(bin, 0o755);
    const r = spawnSync(process.execPath, [script], {
      cwd: readable,
      env: { PATH: bin },
      encoding: 'utf8',
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    // slapd lives in /usr/sbin, found there even off the PATH; ldapadd is not.
    // slapd and rt-server are found by their paths where they are installed.
    expect(lines[0]).toMatch(/^npm test: missing dnsmasq, chronyd, oathtool, chromium, promtool, docker-compose(, slapd)?, ldapadd(, rt-server)?; install with: sudo apt-get update && sudo apt-get install -y --no-install-recommends dnsmasq-base chrony oathtool chromium fonts-dejavu-core prometheus docker-compose( slapd)? ldap-utils( request-tracker5 rt5-db-sqlite rt5-standalone)?$/);
  });

  it('with every peer present it says nothing and lets the tests run', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/test-peers.js')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});
