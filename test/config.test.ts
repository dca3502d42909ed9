// Configuration errors name the key and the rule, and never repeat a secret:
// a wrong HOOK_SECRET, a token, or a URL with a password in it is not printed back into a log.
import { describe, expect, it } from 'vitest';
import { parseConfig, URL_KEYS, URL_KEYS_WITH_CREDENTIALS } from '../src/config.ts';

describe('configuration errors', () => {
  it('name the key and the rule of a bad secret, token or credential-carrying URL, never its value', () => {
    const bad: Record<string, string> = {
      HOOK_SECRET: 'hunter2x',
      METRICS_TOKEN: 'tok-Zq81x',
      SLACK_BOT_TOKEN: 'xoxp-Zq81xSecretValue',
      SLACK_SIGNING_SECRET: 'Zq81x',
      DISCORD_TOKEN: 'Zq81xSecretValue',
      SMTP_URL: 'http://mailer:Pa55w0rdZq@mail.example.org:587',
      DATABASE_URL: 'mysql://helpdesk:Pa55w0rdZq@db:5432/helpdesk',
      REDIS_URL: 'redis//default:Pa55w0rdZq@cache:6379',
      ENROLLMENT_API_URL: 'ftp://api:Pa55w0rdZq@enroll.example.org/',
    };
    const r = parseConfig(bad);
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    for (const key of Object.keys(bad)) expect(errors.some((e) => e.startsWith(`${key}: expected `))).toBe(true);
    const all = errors.join('\n');
    for (const value of Object.values(bad)) expect(all).not.toContain(value);
    for (const part of ['hunter2', 'Zq81x', 'Pa55w0rd']) expect(all).not.toContain(part);
    expect(all).toMatch(/HOOK_SECRET: expected at least 16 characters/);
    expect(all).toMatch(/SMTP_URL: expected an smtp:\/\/ or smtps:\/\/ URL/);
  });

  it('still show a wrong value that is no secret, so it can be found and fixed', () => {
    const r = parseConfig({ PORT: 'eighty', SUPPORT_URL: 'support.example.org' });
    const errors = r.ok ? [] : r.errors;
    expect(errors).toContain('PORT: expected a whole number from 0 to 65535 (got "eighty")');
    expect(errors.join('\n')).toMatch(/SUPPORT_URL: .*\(got "support\.example\.org"\)/);
  });
});

describe('credentials in a URL setting', () => {
  const SCHEME: Record<string, string> = { LDAP_URL: 'ldaps', SMTP_URL: 'smtps', DATABASE_URL: 'postgres', REDIS_URL: 'redis' };
  const withCredentials = (key: string) => `${SCHEME[key] ?? 'https'}://admin:s3cr3tPw@host.example.org:8443/x`;

  it('every URL setting is covered below (a new one joins the list by its name)', () => {
    expect([...URL_KEYS].sort()).toEqual(
      ['DATABASE_URL', 'DISCORD_API_URL', 'ENROLLMENT_API_URL', 'ENROLLMENT_PAGE_URL', 'LDAP_URL', 'PASSWORD_HELP_URL', 'PRIVACYIDEA_URL', 'PRIVACY_URL', 'PUBLIC_URL', 'REDIS_URL', 'RT_URL', 'SETUP_GUIDE_URL', 'SLACK_API_URL', 'SMTP_URL', 'STATUS_URL', 'SUPPORT_URL', 'TICKET_WEBHOOK_URL', 'TIME_CHECK_URL', 'ZAMMAD_URL'].sort(),
    );
  });

  it.each(URL_KEYS.filter((k) => !URL_KEYS_WITH_CREDENTIALS.has(k)))('%s with user:password@ is refused at start, the setting named and the value never printed', (key) => {
    const r = parseConfig({ [key]: withCredentials(key) });
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    expect(errors.filter((e) => e.startsWith(`${key}: expected a URL without user:password@`))).toHaveLength(1);
    expect(errors.join('\n')).not.toMatch(/s3cr3tPw|admin/);
    // The same URL without credentials raises no such line.
    const clean = parseConfig({ [key]: withCredentials(key).replace('admin:s3cr3tPw@', '') });
    expect(clean.ok ? [] : clean.errors.filter((e) => e.startsWith(`${key}:`))).toEqual([]);
  });

  it.each([...URL_KEYS_WITH_CREDENTIALS])('%s takes its password in the URL, as its library does, and a bad one is never printed', (key) => {
    const r = parseConfig({ DATABASE_URL: withCredentials('DATABASE_URL'), [key]: withCredentials(key) });
    expect(r.ok).toBe(true);
    const bad = parseConfig({ DATABASE_URL: withCredentials('DATABASE_URL'), [key]: withCredentials(key).replace('://', '//') });
    expect(bad.ok ? [] : bad.errors.filter((e) => e.startsWith(`${key}: expected`))).toHaveLength(1);
    expect(bad.ok ? '' : bad.errors.join('\n')).not.toMatch(/s3cr3tPw/);
  });
});
