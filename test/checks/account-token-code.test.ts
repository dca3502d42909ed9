import { describe, expect, it, vi } from 'vitest';
import { accountCheck } from '../../src/checks/account.ts';
import { tokenCheck } from '../../src/checks/token.ts';
import { codeCheck } from '../../src/checks/code.ts';
import { createCheckRunner } from '../../src/checks/index.ts';
import { diagnose } from '../../src/checks/diagnose.ts';
import type { CheckOutput } from '../../src/checks/context.ts';
import { CHECK_CODES, CHECK_DATA_FIELDS, CHECK_IDS } from '../../src/checks/catalogue.ts';
import { catalogues } from '../../src/i18n/index.ts';
import { FakeEnrollment, SECRETS, makeDeps } from '../helpers/fakes.ts';
import { oathtoolCode } from '../helpers/oathtool.ts';
import { LANGS } from '../../src/ports/lang.ts';

describe('account check', () => {
  it.each([
    ['alice', 'account.found', 'pass'],
    ['frank', 'account.inactive', 'fail'],
    ['nobody', 'account.missing', 'fail'],
    ['bob@example.org', 'account.found', 'pass'],
    ['nobody@example.org', 'account.missing', 'fail'],
  ])('%s: %s', async (user, code, status) => {
    const { result } = await accountCheck(makeDeps(), { user, lang: 'en' });
    expect(result).toMatchObject({ id: 'account', code, status });
    expect(result.data).toHaveProperty('username');
    expect(result.data).toHaveProperty('status');
  });

  it('an upstream that is down is unavailable, not an error', async () => {
    const deps = makeDeps();
    (deps.accounts as FakeEnrollment).down = true;
    expect((await accountCheck(deps, { user: 'alice', lang: 'en' })).result).toMatchObject({ code: 'account.unavailable', status: 'unknown' });
  });
});

describe('token check', () => {
  it.each([
    ['alice', 'token.active', 'pass', 'active'],
    ['bob', 'token.pending', 'warn', 'pending'],
    ['carol', 'token.pending-overdue', 'fail', 'pending'],
    ['dave', 'token.none', 'fail', 'none'],
    ['erin', 'token.disabled', 'fail', 'disabled'],
    ['nobody', 'token.none', 'fail', 'none'],
    ['carol@example.org', 'token.pending-overdue', 'fail', 'pending'],
  ])('%s: %s', async (user, code, status, state) => {
    const { result } = await tokenCheck(makeDeps(), { user, lang: 'en' });
    expect(result).toMatchObject({ code, status });
    expect(result.data.state).toBe(state);
    for (const f of CHECK_DATA_FIELDS.token) expect(result.data).toHaveProperty(f);
  });

  it('counts the minutes since registration against the thresholds', async () => {
    const deps = makeDeps({ settings: { tokenOverdueMinutes: 4 } });
    const { result } = await tokenCheck(deps, { user: 'bob', lang: 'en' });
    expect(result.code).toBe('token.pending-overdue');
    expect(result.data.minutesSinceRegistration).toBe(5);
    expect(result.summary).toContain('5 minutes');
  });

  it('the newest token that is not revoked decides', async () => {
    const deps = makeDeps();
    const fake = deps.tokens as FakeEnrollment;
    const alice = fake.users.find((u) => u.username === 'alice');
    alice?.tokens.push({ id: 'new', state: 'pending', registeredMinutesAgo: 2, secret: 'AAAAAAAAAAAAAAAA' });
    alice?.tokens.push({ id: 'newest-revoked', state: 'revoked', registeredMinutesAgo: 1, secret: 'AAAAAAAAAAAAAAAA' });
    const { result } = await tokenCheck(deps, { user: 'alice', lang: 'en' });
    expect(result.code).toBe('token.pending');
    expect(result.data.tokenId).toBe('new');
  });
});

describe('code check', () => {
  const secret = SECRETS.alice as string;

  it.each([
    [0, 'code.valid'],
    [-1, 'code.valid'],
    [1, 'code.valid'],
    [-3, 'code.stale'],
    [4, 'code.ahead'],
  ])('a code from %i steps away is %s (codes from oathtool)', async (steps, code) => {
    const deps = makeDeps();
    deps.clock.t = Date.parse('2026-11-27T12:00:10Z');
    const typed = oathtoolCode(secret, deps.clock.now() + steps * 30_000);
    const { result } = await codeCheck(deps, { user: 'alice', code: typed, lang: 'en' });
    expect(result.code).toBe(code);
    expect(result.data.offsetSteps).toBe(steps);
  });

  it('a code that matches nothing nearby is invalid, with a null offset', async () => {
    const deps = makeDeps();
    const typed = oathtoolCode(secret, deps.clock.now() - 30 * 30_000);
    const { result } = await codeCheck(deps, { user: 'alice', code: typed, lang: 'en' });
    expect(result).toMatchObject({ code: 'code.invalid', data: { offsetSteps: null } });
  });

  it('a reused first code is stale, even when it no longer matches', async () => {
    const deps = makeDeps();
    const typed = oathtoolCode(secret, deps.clock.now() - 30 * 30_000);
    const { result } = await codeCheck(deps, { user: 'alice', code: typed, lang: 'en', reusedAfterSeconds: 300 });
    expect(result).toMatchObject({ code: 'code.stale', data: { reused: true } });
  });

  it('one code from the future is enough to show a fast clock (nobody types a code before it is shown)', async () => {
    const deps = makeDeps();
    deps.clock.t = Date.parse('2026-11-27T12:00:10Z');
    const typed = oathtoolCode(secret, deps.clock.now() + 3 * 30_000);
    const once = await codeCheck(deps, { user: 'alice', code: typed, lang: 'en', codeOffsets: [] });
    expect(once.result.code).toBe('code.ahead');
    expect(once.extra?.[0]).toMatchObject({ id: 'clock', code: 'clock.skewed', data: { offsetSeconds: 90, source: 'codes' } });
  });

  it('reports a clock skew from old codes only when two codes agree', async () => {
    const deps = makeDeps();
    deps.clock.t = Date.parse('2026-11-27T12:00:10Z');
    const typed = oathtoolCode(secret, deps.clock.now() - 3 * 30_000);
    const once = await codeCheck(deps, { user: 'alice', code: typed, lang: 'en', codeOffsets: [] });
    expect(once.extra).toBeUndefined();
    const twice = await codeCheck(deps, { user: 'alice', code: typed, lang: 'en', codeOffsets: [-3] });
    expect(twice.extra?.[0]).toMatchObject({ id: 'clock', code: 'clock.skewed', data: { offsetSeconds: -90, source: 'codes' } });
  });

  it('is unverifiable without verify, and rate-limited per account', async () => {
    const deps = makeDeps({ settings: { codeChecksPerMinute: 2 } });
    deps.codeAttempts = { allow: (() => { let n = 0; return async () => ++n <= 2; })() };
    const typed = oathtoolCode(secret, deps.clock.now());
    expect((await codeCheck(deps, { user: 'alice', code: typed, lang: 'en' })).result.code).toBe('code.valid');
    expect((await codeCheck(deps, { user: 'alice', code: typed, lang: 'en' })).result.code).toBe('code.valid');
    const third = (await codeCheck(deps, { user: 'alice', code: typed, lang: 'en' })).result;
    expect(third).toMatchObject({ code: 'code.unverifiable', data: { reason: 'rate-limited' } });
  });
});

describe('check runner', () => {
  it('a check that hangs gives its undecided outcome when its timeout runs out, not before', async () => {
    vi.useFakeTimers();
    try {
      const deps = makeDeps();
      deps.accounts.getAccount = () => new Promise(() => {});
      const runner = createCheckRunner(deps, 150);
      let answer: CheckOutput | undefined;
      void runner.run('account', { user: 'alice', lang: 'en' }).then((out) => (answer = out));
      await vi.advanceTimersByTimeAsync(149);
      expect(answer).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(answer?.result.code).toBe('account.unavailable');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a slow back-end delays only its own check: the others of a report answer while it still waits', async () => {
    const deps = makeDeps();
    const fake = deps.tokens as FakeEnrollment;
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const listTokens = fake.listTokens.bind(fake);
    deps.tokens.listTokens = async (...args) => {
      await gate;
      return listTokens(...args);
    };
    const runner = createCheckRunner(deps, 60_000);
    const answered: string[] = [];
    const report = diagnose(
      { run: (id, input) => runner.run(id, input).then((out) => (answered.push(id), out)) },
      {},
      { user: 'alice', ip: '192.0.2.10' },
      deps.clock.now(),
    );
    await vi.waitFor(() => expect(answered).toEqual(expect.arrayContaining(['account', 'network'])));
    expect(answered).not.toContain('token');
    release();
    const { checks } = await report;
    expect(answered.at(-1)).toBe('token');
    expect(checks.find((c) => c.id === 'token')?.code).toBe('token.active');
  });

  it('a check that throws (a bug) still answers, and the fault is reported', async () => {
    const deps = makeDeps();
    deps.tokens.listTokens = () => Promise.reject(new Error('bug'));
    const faults: string[] = [];
    const runner = createCheckRunner(deps, 1000, (id) => faults.push(id));
    expect((await runner.run('token', { user: 'alice', lang: 'en' })).result.code).toBe('token.unavailable');
    expect(faults).toEqual(['token']);
  });

  it('every code has a summary and both languages agree on the set', () => {
    for (const id of CHECK_IDS) {
      for (const code of CHECK_CODES[id]) {
        for (const lang of LANGS) expect(typeof catalogues[lang].summary[code]).toBe('function');
      }
    }
    expect(Object.keys(catalogues.sv.advice).sort()).toEqual(Object.keys(catalogues.en.advice).sort());
    expect(Object.keys(catalogues.sv.system).sort()).toEqual(Object.keys(catalogues.en.system).sort());
  });
});
