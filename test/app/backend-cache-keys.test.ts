// Each back-end owns its cache keys: asked to forget a person, it names exactly their cached answers
// (bob's, not bobby's; by account and by address; whatever the case), and the table of back-ends
// says which guard each runs under, so erasure and the activation hook ask each in-use back-end.
import { describe, expect, it } from 'vitest';
import { ACCOUNT_BACKENDS, TOKEN_BACKENDS, backendsInUse, createBackends } from '../../src/app/backend.ts';
import { loadConfig } from '../../src/config.ts';
import { systemClock } from '../../src/ports/time.ts';
import { recordingLogger } from '../helpers/fakes.ts';
import { UpstreamGuard } from '../../src/adapters/limits.ts';
import { LdapOtpTokens } from '../../src/adapters/ldap-otp-tokens.ts';
import { PrivacyIdeaTokens } from '../../src/adapters/privacyidea-tokens.ts';
import type { ForgetsAnswers } from '../../src/ports/upstream.ts';

const BOB = { users: ['bob'], emails: ['bob@example.org'] };

describe('back-ends own their cache keys', () => {
  it.each([
    ['enrollment-api accounts', ACCOUNT_BACKENDS['enrollment-api'], ['GET /v1/accounts/bob', 'GET /v1/accounts/Bob', 'GET /v1/accounts/bob/tokens', 'GET /v1/accounts?email=bob%40example.org'], ['GET /v1/accounts/bobby', 'GET /v1/accounts/bobby/tokens', 'GET /v1/accounts?email=bobby%40example.org', 'tokens:bob']],
    ['ldap accounts', ACCOUNT_BACKENDS.ldap, ['account:bob', 'account:BOB', 'email:bob@example.org'], ['account:bobby', 'email:bobby@example.org', 'tokens:bob']],
    ['privacyidea tokens', TOKEN_BACKENDS.privacyidea, ['tokens:bob'], ['tokens:bobby', 'account:bob']],
    ['ldap-otp tokens', TOKEN_BACKENDS['ldap-otp'], ['tokens:bob', 'account:bob', 'email:bob@example.org'], ['tokens:bobby', 'account:bobby']],
  ] as const)('%s: exactly the person\'s keys', async (_name, backend, theirs, others) => {
    const { ownsCacheKey } = await backend.load();
    for (const key of theirs) expect(ownsCacheKey(key, BOB), key).toBe(true);
    for (const key of others) expect(ownsCacheKey(key, BOB), key).toBe(false);
  });

  it('the back-ends in use, each under its own guard', async () => {
    expect((await backendsInUse({ ACCOUNTS_BACKEND: 'ldap', TOKENS_BACKEND: 'privacyidea' })).map((b) => b.upstream)).toEqual(['ldap', 'privacyidea']);
    expect((await backendsInUse({ ACCOUNTS_BACKEND: 'enrollment-api', TOKENS_BACKEND: 'enrollment-api' })).map((b) => b.upstream)).toEqual(['enrollment', 'enrollment']);
  });

  it('forget drops one person\'s cached answers and keeps the others\' (the embedded demo, a real guard)', async () => {
    const config = loadConfig({ DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent', ENROLLMENT_CACHE_SECONDS: '600' });
    const backends = await createBackends(config, { clock: systemClock, log: recordingLogger(), metrics: { observe: () => {}, count: () => {} } });
    try {
      const calls = () => backends.guards.get('enrollment')!.stats.calls;
      await backends.accounts.getAccount('bob');
      await backends.accounts.getAccount('alice');
      const before = calls();
      await backends.forget(BOB);
      await backends.accounts.getAccount('alice');
      expect(calls()).toBe(before);
      await backends.accounts.getAccount('bob');
      expect(calls()).toBe(before + 1);
    } finally {
      await backends.close();
    }
  });
  it.each([
    ['privacyidea tokens', (guard: UpstreamGuard) => new PrivacyIdeaTokens({ guard } as unknown as ConstructorParameters<typeof PrivacyIdeaTokens>[0]), ['tokens:bob'], ['tokens:bobby', 'account:bob']],
    ['ldap-otp tokens (and the people search under its guard)', (guard: UpstreamGuard) => new LdapOtpTokens({ guard } as unknown as ConstructorParameters<typeof LdapOtpTokens>[0]), ['tokens:bob', 'account:bob', 'email:bob@example.org'], ['tokens:bobby', 'account:bobby']],
  ] as const)("%s: the adapter's own forget drops exactly the person's answers from its guard", async (_name, make, theirs, others) => {
    const guard = new UpstreamGuard({ maxConcurrent: 4, minTimeMs: 0, timeoutMs: 5000, cacheTtlMs: 600_000, clock: systemClock });
    try {
      const backend: ForgetsAnswers = make(guard);
      const ask = (key: string) => guard.run(key, async () => key);
      for (const key of [...theirs, ...others]) await ask(key);
      const before = guard.stats.calls;
      await backend.forget(BOB);
      for (const key of others) await ask(key);
      expect(guard.stats.calls).toBe(before);
      for (const key of theirs) await ask(key);
      expect(guard.stats.calls).toBe(before + theirs.length);
    } finally {
      await guard.stop();
    }
  });
});
