// Each back-end owns its cache keys: asked to forget a person, it names exactly their cached answers
// (bob's, not bobby's; by account and by address; whatever the case), and the table of back-ends
// says which guard each runs under, so erasure and the activation hook ask each in-use back-end.
import { describe, expect, it } from 'vitest';
import { ACCOUNT_BACKENDS, TOKEN_BACKENDS, backendsInUse, createBackends } from '../../src/app/backend.ts';
import { loadConfig } from '../../src/config.ts';
import { systemClock } from '../../src/ports/time.ts';
import { recordingLogger } from '../helpers/fakes.ts';

const BOB = { users: ['bob'], emails: ['bob@example.org'] };

describe('back-ends own their cache keys', () => {
  it.each([
    ['enrollment-api accounts', ACCOUNT_BACKENDS['enrollment-api'], ['GET /v1/accounts/bob', 'GET /v1/accounts/Bob', 'GET /v1/accounts/bob/tokens', 'GET /v1/accounts?email=bob%40example.org'], ['GET /v1/accounts/bobby', 'GET /v1/accounts/bobby/tokens', 'GET /v1/accounts?email=bobby%40example.org', 'tokens:bob']],
    ['ldap accounts', ACCOUNT_BACKENDS.ldap, ['account:bob', 'account:BOB', 'email:bob@example.org'], ['account:bobby', 'email:bobby@example.org', 'tokens:bob']],
    ['privacyidea tokens', TOKEN_BACKENDS.privacyidea, ['tokens:bob'], ['tokens:bobby', 'account:bob']],
    ['ldap-otp tokens', TOKEN_BACKENDS['ldap-otp'], ['tokens:bob', 'account:bob', 'email:bob@example.org'], ['tokens:bobby', 'account:bobby']],
  ] as const)('%s: exactly the person\'s keys', (_name, backend, theirs, others) => {
    for (const key of theirs) expect(backend.ownsCacheKey(key, BOB), key).toBe(true);
    for (const key of others) expect(backend.ownsCacheKey(key, BOB), key).toBe(false);
  });

  it('the back-ends in use, each under its own guard', () => {
    expect(backendsInUse({ ACCOUNTS_BACKEND: 'ldap', TOKENS_BACKEND: 'privacyidea' }).map((b) => b.upstream)).toEqual(['ldap', 'privacyidea']);
    expect(backendsInUse({ ACCOUNTS_BACKEND: 'enrollment-api', TOKENS_BACKEND: 'enrollment-api' }).map((b) => b.upstream)).toEqual(['enrollment', 'enrollment']);
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
});
