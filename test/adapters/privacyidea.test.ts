// The privacyIDEA token registry against a contract server that answers privacyIDEA's own JSON
// (test/peers/privacyidea.ts, with the source of each shape): every mapping of a token's state, the
// JWT renewed before it expires and after the server says it has, the API key, codes checked only
// with otponly (a match uses the code up; timeShift gives the offset), and nothing that changes a token.
import { generateSync } from 'otplib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, API_KEY, creationDate, lastAuth, startPrivacyIdea, type PrivacyIdeaPeer } from '../peers/privacyidea.ts';
import { PrivacyIdeaHttp } from '../../src/adapters/privacyidea-http.ts';
import { PrivacyIdeaTokens, stepsOfTimeShift } from '../../src/adapters/privacyidea-tokens.ts';
import { UpstreamGuard } from '../../src/adapters/limits.ts';
import { tokenCheck } from '../../src/checks/token.ts';
import { codeCheck } from '../../src/checks/code.ts';
import { formatStaffReport } from '../../src/checks/staff-report.ts';
import { diagnose } from '../../src/checks/diagnose.ts';
import { createCheckRunner } from '../../src/checks/index.ts';
import { systemClock } from '../../src/ports/time.ts';
import type { AccountDirectory } from '../../src/ports/account-directory.ts';
import { FakeClock, makeDeps, recordingLogger } from '../helpers/fakes.ts';
import { baseEnv, runCli, tempDataDir } from '../helpers/cli.ts';
import { json, startHttpServer } from '../peers/http-server.ts';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
let pi: PrivacyIdeaPeer;
beforeAll(async () => {
  pi = await startPrivacyIdea();
});
afterAll(async () => {
  await pi.close();
});

function seed(now = Date.now()) {
  pi.users = new Set(['alice', 'pete', 'vera', 'dora', 'rick', 'lola', 'nina']);
  pi.tokens = [
    { serial: 'TOTP0001', user: 'alice', secret: SECRET, info: { creation_date: creationDate(now - 90 * 86_400_000), last_auth: lastAuth(now - 3_600_000), timeShift: '-47.0' } },
    { serial: 'TOTP0002', user: 'pete', secret: SECRET, rollout_state: 'clientwait', info: { creation_date: creationDate(now - 5 * 60_000) } },
    { serial: 'TOTP0003', user: 'vera', secret: SECRET, rollout_state: 'verify', info: { creation_date: creationDate(now - 120 * 60_000) } },
    { serial: 'TOTP0004', user: 'dora', secret: SECRET, active: false, info: { creation_date: creationDate(now - 86_400_000) } },
    { serial: 'TOTP0005', user: 'rick', secret: SECRET, revoked: true, active: false, info: { creation_date: creationDate(now - 86_400_000) } },
    { serial: 'TOTP0006', user: 'lola', secret: SECRET, failcount: 10, maxfail: 10, info: { creation_date: creationDate(now - 86_400_000), last_auth: lastAuth(now - 86_400_000) } },
  ];
  pi.requests.length = 0;
  pi.jwtSeconds = 3600;
  pi.hang = false;
}

// Limits wide enough for a machine under heavy load; the hanging-server case sets its own.
function registry(options: { apiKey?: string; password?: string; verify?: 'off' | 'otponly'; now?: () => number; cacheTtlMs?: number; timeoutMs?: number } = {}) {
  const log = recordingLogger();
  const api = new PrivacyIdeaHttp({
    baseUrl: pi.url,
    ...(options.apiKey ? { apiKey: options.apiKey } : { user: ADMIN.username, password: options.password ?? ADMIN.password }),
    timeoutMs: options.timeoutMs ?? 10_000,
    ...(options.now ? { now: options.now } : {}),
  });
  const guard = new UpstreamGuard({ maxConcurrent: 4, minTimeMs: 0, timeoutMs: 30_000, cacheTtlMs: options.cacheTtlMs ?? 0, clock: systemClock });
  const tokens = new PrivacyIdeaTokens({ api, guard, realm: 'people', verify: options.verify ?? 'off', log });
  return { tokens, log, guard, close: async () => (await guard.stop(), api.close()) };
}

const ALLOWED = new Set(['POST /auth', 'GET /token/', 'GET /user/', 'POST /validate/check']);
afterEach(() => {
  // Nothing that changes a token, ever: no resync, no reset, no enable/disable, no delete.
  for (const r of pi.requests) expect(ALLOWED.has(`${r.method} ${r.path}`), `${r.method} ${r.path}`).toBe(true);
});

describe('privacyIDEA token states', () => {
  beforeEach(() => seed());

  it('maps every state to the token check', async () => {
    const r = registry();
    const deps = makeDeps({ tokens: r.tokens, clock: new FakeClock(Date.now()) });
    const code = async (user: string) => (await tokenCheck(deps, { user, lang: 'en' })).result;
    expect(await code('alice')).toMatchObject({ code: 'token.active', data: { tokenId: 'TOTP0001', driftSeconds: -47, failCount: 0, failLimit: 10 } });
    expect((await code('alice')).summary).toBe("Your two-factor token is active. At your last good login, the login service saw your device's clock 47 s behind.");
    expect(await code('pete')).toMatchObject({ code: 'token.pending', data: { state: 'pending', minutesSinceRegistration: 5 } });
    expect(await code('vera')).toMatchObject({ code: 'token.pending-overdue', data: { state: 'pending' } });
    expect(await code('dora')).toMatchObject({ code: 'token.disabled', data: { state: 'disabled' } });
    expect(await code('rick')).toMatchObject({ code: 'token.none' });
    expect(await code('lola')).toMatchObject({ code: 'token.locked', status: 'fail', data: { failCount: 10, failLimit: 10 } });
    expect((await code('lola')).summary).toBe('Your two-factor token is locked after 10 wrong codes. Only support can unlock it.');
    expect(await code('nina')).toMatchObject({ code: 'token.none' });
    expect(await code('ghost')).toMatchObject({ code: 'token.none' });
    // Dates as privacyIDEA writes them: creation_date to the minute, last_auth with microseconds.
    const alice = await r.tokens.listTokens('alice');
    expect(alice.ok && Math.abs(Date.parse(alice.value[0]?.lastUsedAt ?? '') - (Date.now() - 3_600_000))).toBeLessThan(2000);
    // /user/ only for a user without tokens (nina); GET /token/ carries user, realm and type.
    expect(pi.requests.filter((q) => q.path === '/user/').map((q) => q.query.username)).toEqual(['nina']);
    expect(pi.requests.find((q) => q.path === '/token/')?.query).toMatchObject({ user: 'alice', realm: 'people', type: 'totp' });
    await r.close();
  });

  it('staff see the lock, its limit and the learned drift, in English and Swedish', async () => {
    const r = registry();
    // Everyone has an active account here (a fake of our own port): the report is about tokens.
    const accounts: AccountDirectory = {
      getAccount: async (u) => ({ ok: true, value: { username: u, email: `${u}@example.org`, status: 'active' } }),
      findAccountsByEmail: async () => ({ ok: true, value: [] }),
    };
    const deps = makeDeps({ accounts, tokens: r.tokens, clock: new FakeClock(Date.now()) });
    const runner = createCheckRunner(deps, 30_000);
    const words = { centre: 'UPPMAX', enrollment_url: 'https://e/', identity_service: 'SUPR', support_url: 'https://s/', support_email: 's@e', time_check_url: 'https://t/', public_url: 'http://x', privacy_url: 'http://x/privacy' };
    const lola = await diagnose(runner, words, { user: 'lola' }, Date.now());
    const en = formatStaffReport(lola, 'en', words);
    expect(en).toContain("lola's token TOTP0006 is locked after 10 wrong codes (limit 10)");
    expect(en).toContain("Reset the token's fail counter");
    expect(formatStaffReport(lola, 'sv', words)).toContain('är låst efter 10 felaktiga koder (gräns 10)');
    const alice = formatStaffReport(await diagnose(runner, words, { user: 'alice' }, Date.now()), 'en', words);
    expect(alice).toContain('learned a clock offset of -47 s (device minus server)');
    await r.close();
  });
});

describe('privacyIDEA authorization', () => {
  beforeEach(() => seed());

  it('renews the JWT before it expires, and again after the server says it expired', async () => {
    let now = Date.now();
    const r = registry({ now: () => now });
    await r.tokens.listTokens('alice');
    await r.tokens.listTokens('alice');
    expect(pi.requests.filter((q) => q.path === '/auth')).toHaveLength(1);
    const first = pi.requests.find((q) => q.path === '/token/')?.authorization;
    // 56 minutes on: less than five minutes left, so a new one is fetched before it is refused.
    now += 56 * 60_000;
    await r.tokens.listTokens('alice');
    const auths = pi.requests.filter((q) => q.path === '/auth');
    expect(auths).toHaveLength(2);
    expect(pi.requests.at(-1)?.authorization).not.toBe(first);
    // The server's clock says every JWT is spent: 401 (4305), one new POST /auth, the call repeated.
    pi.expireJwts();
    expect(await r.tokens.listTokens('alice')).toMatchObject({ ok: true });
    expect(pi.requests.filter((q) => q.path === '/auth')).toHaveLength(3);
    expect(pi.requests.every((q) => q.path === '/auth' || q.authorization !== undefined)).toBe(true);
    await r.close();
  });

  it('an API key is sent as it is, with no POST /auth', async () => {
    const r = registry({ apiKey: API_KEY });
    expect(await r.tokens.listTokens('alice')).toMatchObject({ ok: true });
    expect(pi.requests.map((q) => q.path)).toEqual(['/token/']);
    expect(pi.requests[0]?.authorization).toBe(API_KEY);
    await r.close();
  });

  it('wrong credentials are "unavailable", never with the password; a hanging server costs the timeout', async () => {
    const wrong = 'Not-The-Pa55word-abc';
    const r = registry({ password: wrong });
    const answer = await r.tokens.listTokens('alice');
    expect(answer).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(JSON.stringify(answer)).toContain('4031');
    expect(JSON.stringify([answer, r.log.lines])).not.toContain(wrong);
    await r.close();
    pi.hang = true;
    const h = registry({ timeoutMs: 1000 });
    expect(await h.tokens.listTokens('alice')).toMatchObject({ ok: false, reason: 'unavailable' });
    await h.close();
  });

  it('an answer that is not JSON is bad JSON (upstream.malformed), not a refusal', async () => {
    let body = '<html>502 Bad Gateway</html>';
    const peer = await startHttpServer((_req, res) => json(res, 200, body));
    const log = recordingLogger();
    const api = new PrivacyIdeaHttp({ baseUrl: peer.url, user: ADMIN.username, password: ADMIN.password, timeoutMs: 10_000 });
    const guard = new UpstreamGuard({ maxConcurrent: 4, minTimeMs: 0, timeoutMs: 30_000, cacheTtlMs: 0, clock: systemClock });
    const tokens = new PrivacyIdeaTokens({ api, guard, realm: 'people', verify: 'off', log });
    try {
      const auth = await tokens.listTokens('alice');
      expect(auth).toMatchObject({ ok: false, reason: 'unavailable' });
      expect(auth.ok ? '' : auth.detail).toMatch(/POST \/auth: bad JSON \(HTTP 200\)/);
      expect(auth.ok ? '' : auth.detail).not.toMatch(/refused/);
      body = JSON.stringify({ result: { status: 'yes' } });
      const shape = await tokens.listTokens('alice');
      expect(shape.ok ? '' : shape.detail).toMatch(/not privacyIDEA's answer/);
      expect(log.lines.map((l) => l.fields?.code)).toEqual(['upstream.malformed', 'upstream.malformed']);
    } finally {
      await guard.stop();
      api.close();
      await peer.close();
    }
  });

  it('the guard in front: 50 people asking about one user at once cost one GET /token/', async () => {
    const r = registry({ cacheTtlMs: 15_000 });
    const all = await Promise.all(Array.from({ length: 50 }, () => r.tokens.listTokens('alice')));
    expect(all.every((a) => a.ok)).toBe(true);
    expect(pi.requests.filter((q) => q.path === '/token/')).toHaveLength(1);
    await r.close();
  });
});

describe('checking a code', () => {
  // privacyIDEA's timeShift is the matched step's start minus its now, in whole seconds in the
  // contract server; at a step's first second it is a whole multiple of the period. Rounding read a
  // current code there as one step ahead ("your clock runs fast"), and a code two steps behind as one.
  it('reads the offset from timeShift at a step boundary as in the middle of a step', () => {
    const at = (shift: number) => stepsOfTimeShift(shift, 30);
    expect([0, -1, -29].map(at)).toEqual([0, 0, 0]);
    expect([-30, -59].map(at)).toEqual([-1, -1]);
    expect([-60, -89].map(at)).toEqual([-2, -2]);
    expect([1, 30].map(at)).toEqual([1, 1]);
    expect([31, 60].map(at)).toEqual([2, 2]);
  });

  beforeEach(() => seed());

  it('is off by default: code.unverifiable, and privacyIDEA is not asked', async () => {
    const r = registry();
    const deps = makeDeps({ tokens: r.tokens });
    expect((await codeCheck(deps, { user: 'alice', code: '123456', lang: 'en' })).result.code).toBe('code.unverifiable');
    expect(pi.requests.some((q) => q.path === '/validate/check')).toBe(false);
    await r.close();
  });

  it('otponly: serial + pass + otponly=1; a miss raises no fail count, a match uses the code up and timeShift gives the offset', async () => {
    if ((Date.now() / 1000) % 30 > 26) await new Promise((res) => setTimeout(res, 4500));
    const r = registry({ verify: 'otponly' });
    const deps = makeDeps({ tokens: r.tokens, clock: new FakeClock(Date.now()) });
    const miss = await codeCheck(deps, { user: 'alice', code: '000000' === generateSync({ secret: SECRET }) ? '111111' : '000000', lang: 'en' });
    expect(miss.result.code).toBe('code.invalid');
    expect(pi.tokens[0]?.failcount ?? 0).toBe(0);
    const check = pi.requests.find((q) => q.path === '/validate/check');
    expect(check?.body).toEqual({ serial: 'TOTP0001', pass: expect.any(String), otponly: '1' });
    // A device two steps behind: the code of a minute ago.
    const behind = generateSync({ secret: SECRET, epoch: Math.floor(Date.now() / 1000) - 60 });
    const stale = await codeCheck(deps, { user: 'alice', code: behind, lang: 'en' });
    expect(stale.result).toMatchObject({ code: 'code.stale', data: { offsetSteps: -2, consumed: true } });
    expect(Number(pi.tokens[0]?.info?.timeShift)).toBeLessThanOrEqual(-60);
    // The next listing asks again (the token's last use and drift changed).
    const listed = await r.tokens.listTokens('alice');
    expect(listed.ok && listed.value[0]?.driftSeconds).toBeLessThanOrEqual(-60);
    // Now the current code: valid, and the person is told it is used up.
    const current = generateSync({ secret: SECRET });
    const valid = await codeCheck(deps, { user: 'alice', code: current, lang: 'en' });
    expect(valid.result).toMatchObject({ code: 'code.valid', data: { consumed: true } });
    expect(valid.result.summary).toContain('used it up');
    expect((await codeCheck(deps, { user: 'alice', code: current, lang: 'sv' })).result.code).toBe('code.invalid');
    await r.close();
  });
});

describe('diagnose with TOKENS_BACKEND=privacyidea (the real command)', () => {
  beforeEach(() => seed());

  it('the demo accounts with privacyIDEA tokens: the locked token and the learned drift, as JSON and for staff', async () => {
    const env = baseEnv({ DATA_DIR: tempDataDir(), TOKENS_BACKEND: 'privacyidea', PRIVACYIDEA_URL: pi.url, PRIVACYIDEA_REALM: 'people', PRIVACYIDEA_USER: ADMIN.username, PRIVACYIDEA_PASSWORD: ADMIN.password });
    pi.users.add('bob');
    pi.tokens.push({ serial: 'TOTP0007', user: 'bob', secret: SECRET, failcount: 12, maxfail: 10, info: { creation_date: creationDate(Date.now() - 86_400_000) } });
    const json = await runCli(['diagnose', '--user', 'bob', '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { checks: Array<{ id: string; code: string }>; advice: Array<{ code: string }> };
    expect(report.checks.find((c) => c.id === 'token')?.code).toBe('token.locked');
    expect(report.advice.map((a) => a.code)).toContain('token.locked');
    const text = await runCli(['diagnose', '--user', 'alice'], env);
    expect(text.stdout).toContain('learned a clock offset of -47 s');
    expect(text.stdout + text.stderr).not.toContain(ADMIN.password);
  }, 180_000);
});
