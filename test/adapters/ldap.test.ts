// The LDAP back-ends against Debian's slapd on loopback (ppolicy and otp overlays, users seeded with
// ldapadd): every seeded user through the real `diagnose` command, RFC 4515 escaping, the ACLs
// docs/back-ends.md asks for, LDAPS and StartTLS with a CA file, a directory that goes away and comes back, and
// the bind password nowhere in what the bot says or logs.
import { Client } from 'ldapts';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, runCli, tempDataDir } from '../helpers/cli.ts';
import { FakeClock, makeDeps, recordingLogger, type RecordingLogger } from '../helpers/fakes.ts';
import { ADMIN_DN, ADMIN_PASSWORD, BASE_DN, BOT_DN, BOT_PASSWORD, LOCKED_AT, OLGA_PASSWORD, OLGA_SECRET, startSlapd, type SlapdPeer } from '../peers/slapd.ts';
import { LdapConnection } from '../../src/adapters/ldap-connection.ts';
import { LdapAccounts } from '../../src/adapters/ldap-accounts.ts';
import { LdapOtpTokens } from '../../src/adapters/ldap-otp-tokens.ts';
import { UpstreamGuard } from '../../src/adapters/limits.ts';
import { accountCheck } from '../../src/checks/account.ts';
import { createCheckRunner } from '../../src/checks/index.ts';
import { parseConfig } from '../../src/config.ts';
import { systemClock } from '../../src/ports/time.ts';

/** Tests that run the real command: each run may take seconds on a busy machine. */
const CLI_MS = 180_000;

let slapd: SlapdPeer;
beforeAll(async () => {
  slapd = await startSlapd({ tls: true });
}, 180_000);
afterAll(async () => {
  await slapd?.close();
});

const ldapEnv = (extra: Record<string, string> = {}) =>
  baseEnv({
    DATA_DIR: tempDataDir(),
    ACCOUNTS_BACKEND: 'ldap',
    TOKENS_BACKEND: 'ldap-otp',
    LDAP_URL: slapd.url,
    LDAP_BIND_DN: BOT_DN,
    LDAP_BIND_PASSWORD: BOT_PASSWORD,
    LDAP_BASE_DN: BASE_DN,
    ...extra,
  });

async function diagnose(user: string, extra: Record<string, string> = {}, args: string[] = []) {
  const r = await runCli(['diagnose', '--user', user, '--json', ...args], ldapEnv(extra));
  expect(r.stderr).not.toContain(BOT_PASSWORD);
  expect(r.stdout).not.toContain(BOT_PASSWORD);
  expect(r.code, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout) as { checks: Array<{ id: string; code: string; status: string; summary: string; data: Record<string, unknown> }>; advice: Array<{ code: string; text: string }> };
  return { report, byId: Object.fromEntries(report.checks.map((c) => [c.id, c])) };
}

function adapters(options: { url?: string; startTls?: boolean; caFile?: string; password?: string; log?: RecordingLogger; timeoutMs?: number } = {}) {
  const log = options.log ?? recordingLogger();
  const connection = new LdapConnection({ url: options.url ?? slapd.url, bindDn: BOT_DN, bindPassword: options.password ?? BOT_PASSWORD, startTls: options.startTls ?? false, caFile: options.caFile, timeoutMs: options.timeoutMs ?? 1500 });
  const guard = new UpstreamGuard({ maxConcurrent: 4, minTimeMs: 0, timeoutMs: 3000, cacheTtlMs: 0, clock: systemClock });
  const accounts = new LdapAccounts({
    connection,
    guard,
    baseDn: BASE_DN,
    userFilter: '(&(objectClass=posixAccount)(uid={username}))',
    emailFilter: '(&(objectClass=posixAccount)(mail={email}))',
    nologinShells: ['/sbin/nologin', '/bin/false'],
    attributes: { username: 'uid', email: 'mail', expire: 'shadowExpire', shell: 'loginShell', locked: 'pwdAccountLockedTime' },
    clock: systemClock,
    log,
    extraAttributes: ['oathTOTPToken'],
  });
  const tokens = new LdapOtpTokens({ connection, guard, people: accounts, log });
  return { accounts, tokens, log, close: async () => (await guard.stop(), await connection.close()) };
}

describe('diagnose --user with ACCOUNTS_BACKEND=ldap and TOKENS_BACKEND=ldap-otp', () => {
  it('an active user without a token; one found by e-mail', async () => {
    const { byId } = await diagnose('alice');
    expect(byId.account).toMatchObject({ code: 'account.found', status: 'pass', data: { username: 'alice', status: 'active', email: 'alice@example.org' } });
    expect(Date.parse(String(byId.account?.data.expiresAt))).toBeGreaterThan(Date.now());
    expect(byId.token).toMatchObject({ code: 'token.none' });
    const byMail = await diagnose('alice@example.org');
    expect(byMail.byId.account).toMatchObject({ code: 'account.found', data: { username: 'alice' } });
  }, CLI_MS);

  it('expired by shadowExpire, suspended by a nologin shell, locked by the password policy since its time', async () => {
    const frank = await diagnose('frank');
    expect(frank.byId.account).toMatchObject({ code: 'account.inactive', status: 'fail', data: { status: 'expired', inactiveReason: 'expired' } });
    expect(frank.byId.account?.summary).toMatch(/^The account frank expired on \d{4}-\d{2}-\d{2}\.$/);
    const nora = await diagnose('nora');
    expect(nora.byId.account).toMatchObject({ code: 'account.inactive', data: { status: 'suspended', inactiveReason: 'nologin-shell' } });
    expect(nora.report.advice.map((a) => a.code)).toContain('account.inactive');
    const lars = await diagnose('lars');
    expect(lars.byId.account).toMatchObject({ code: 'account.inactive', data: { status: 'locked', inactiveReason: 'password-policy', lockedAt: '2026-11-01T12:00:00.000Z' } });
    expect(LOCKED_AT).toBe('20261101120000Z');
    expect(lars.byId.account?.summary).toBe('The account lars is locked by the password policy since 2026-11-01.');
    // The readable report, for staff, in Swedish.
    const sv = await runCli(['diagnose', '--user', 'lars', '--lang', 'sv'], ldapEnv());
    expect(sv.stdout).toContain('låst av lösenordspolicyn sedan 2026-11-01 12:00 UTC');
    expect(sv.stdout).toContain('pwdAccountLockedTime');
  }, CLI_MS);

  it("a user with an otp-overlay token: active, last used when a real bind with password + code went through; codes cannot be checked", async () => {
    // A real login against the overlay: password followed by the current code.
    if ((Date.now() / 1000) % 30 > 27) await new Promise((r) => setTimeout(r, 3500));
    const login = new Client({ url: slapd.url });
    await login.bind(`uid=olga,${BASE_DN}`, `${OLGA_PASSWORD}${generateSync({ secret: OLGA_SECRET })}`);
    await login.unbind();
    const { byId, report } = await diagnose('olga', {}, ['--code', '123456']);
    expect(byId.account).toMatchObject({ code: 'account.found' });
    expect(byId.token).toMatchObject({ code: 'token.active', data: { state: 'active', tokenId: 'TOTP-OLGA-1', driftSeconds: 0 } });
    expect(Date.now() - Date.parse(String(byId.token?.data.lastUsedAt))).toBeLessThan(120_000);
    expect(byId.code).toMatchObject({ code: 'code.unverifiable' });
    expect(report.checks.find((c) => c.id === 'clock')?.code).toBe('clock.unmeasured');
  }, CLI_MS);

  it('a name nobody has is missing; a filter injection finds nothing', async () => {
    expect((await diagnose('nobody')).byId.account?.code).toBe('account.missing');
    // The command refuses such a name before any lookup (exit 2); the adapter escapes it anyway.
    const injected = await runCli(['diagnose', '--user', '*)(uid=*', '--json'], ldapEnv());
    expect(injected.code).toBe(2);
    const a = adapters();
    try {
      for (const evil of ['*)(uid=*', '*', 'alic*', 'alice)(|(uid=*', '\\2a']) expect((await a.accounts.getAccount(evil)).ok).toBe(false);
      expect((await a.accounts.findAccountsByEmail('*')).ok && (await a.accounts.findAccountsByEmail('*'))).toMatchObject({ value: [] });
      // The escaping is not simply refusing: a real name still matches.
      expect(await a.accounts.getAccount('alice')).toMatchObject({ ok: true, value: { username: 'alice' } });
    } finally {
      await a.close();
    }
  }, CLI_MS);
});

describe('the directory', () => {
  it("the bot's bind reads people and tokens but never userPassword or oathSecret (the administrator can)", async () => {
    const read = async (dn: string, password: string, base: string) => {
      const c = new Client({ url: slapd.url });
      await c.bind(dn, password);
      const { searchEntries } = await c.search(base, { scope: 'base', attributes: ['*', 'userPassword', 'oathSecret'] });
      await c.unbind();
      // ldapts gives an attribute it did not receive as [] (truthy): keep only those with values.
      return Object.fromEntries(Object.entries(searchEntries[0] ?? {}).filter(([, v]) => !(Array.isArray(v) && v.length === 0)));
    };
    const token = `cn=olga-totp,ou=tokens,dc=example,dc=org`;
    expect(await read(BOT_DN, BOT_PASSWORD, token)).toMatchObject({ oathTokenSerialNumber: 'TOTP-OLGA-1' });
    expect(await read(BOT_DN, BOT_PASSWORD, token)).not.toHaveProperty('oathSecret');
    expect(await read(BOT_DN, BOT_PASSWORD, `uid=olga,${BASE_DN}`)).not.toHaveProperty('userPassword');
    expect(await read(ADMIN_DN, ADMIN_PASSWORD, token)).toHaveProperty('oathSecret');
    expect(await read(ADMIN_DN, ADMIN_PASSWORD, `uid=olga,${BASE_DN}`)).toHaveProperty('userPassword');
  });

  it('LDAPS and StartTLS with the CA file; without it the certificate is refused', async () => {
    for (const options of [{ url: slapd.ldapsUrl ?? '', caFile: slapd.caFile ?? '' }, { startTls: true, caFile: slapd.caFile ?? '' }]) {
      const a = adapters(options);
      expect(await a.accounts.getAccount('alice')).toMatchObject({ ok: true, value: { status: 'active' } });
      await a.close();
    }
    const untrusted = adapters({ url: slapd.ldapsUrl ?? '' });
    expect(await untrusted.accounts.getAccount('alice')).toMatchObject({ ok: false, reason: 'unavailable' });
    await untrusted.close();
    // The environment's own rules: a CA file that is not there; StartTLS over ldaps://.
    const bad = parseConfig({ ACCOUNTS_BACKEND: 'ldap', LDAP_URL: slapd.ldapsUrl, LDAP_BASE_DN: BASE_DN, LDAP_CA_FILE: '/nonexistent/ca.pem', LDAP_STARTTLS: 'true' });
    expect(bad.ok ? [] : bad.errors.map((e) => e.split(':')[0])).toEqual(['LDAP_CA_FILE']);
  });

  it('a wrong bind password is "unavailable" without the password in the answer or the log; config errors never echo it', async () => {
    const log = recordingLogger();
    const wrong = 'Wrong-Secret-Pa55-qwerty';
    const a = adapters({ password: wrong, log });
    const r = await a.accounts.getAccount('alice');
    await a.close();
    expect(r).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(JSON.stringify(r)).toMatch(/invalid credentials/);
    expect(JSON.stringify(r)).not.toContain(wrong);
    expect(JSON.stringify(log.lines)).not.toContain(wrong);
    expect(log.lines.length).toBeGreaterThan(0);
    const bad = parseConfig({ LDAP_BIND_PASSWORD: wrong, LDAP_STARTTLS: 'maybe' });
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain(wrong);
    const cli = await runCli(['diagnose', '--user', 'alice'], ldapEnv({ LDAP_BIND_PASSWORD: wrong, LOG_LEVEL: 'debug' }));
    expect(cli.stdout + cli.stderr).toContain('account.unavailable');
    expect(cli.stdout + cli.stderr).not.toContain(wrong);
  }, CLI_MS);

  it('stopped mid-run: account.unavailable from the adapter itself (not the check timeout), and back without a restart', async () => {
    const log = recordingLogger();
    const a = adapters({ log, timeoutMs: 1000 });
    const deps = makeDeps({ accounts: a.accounts, tokens: a.tokens, clock: new FakeClock(Date.now()) });
    const runner = createCheckRunner(deps, 3000);
    try {
      expect((await runner.run('account', { user: 'alice', lang: 'en' })).result.code).toBe('account.found');
      await slapd.stop();
      const down = (await runner.run('account', { user: 'alice', lang: 'en' })).result;
      expect(down.code).toBe('account.unavailable');
      expect(String(down.data.reason)).toMatch(/^accounts: LDAP/);
      expect((await runner.run('token', { user: 'olga', lang: 'en' })).result.code).toBe('token.unavailable');
      await slapd.start();
      expect((await runner.run('account', { user: 'alice', lang: 'en' })).result.code).toBe('account.found');
      expect((await runner.run('token', { user: 'olga', lang: 'en' })).result.code).toBe('token.active');
      expect((await accountCheck(deps, { user: 'lars', lang: 'en' })).result.data.status).toBe('locked');
      expect(JSON.stringify(log.lines)).not.toContain(BOT_PASSWORD);
    } finally {
      if (slapd.daemon.child.exitCode !== null) await slapd.start();
      await a.close();
    }
  }, 180_000);
});
