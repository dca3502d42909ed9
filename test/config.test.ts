// Configuration errors name the key and the rule, and never repeat a secret (issue 18, item 7):
// a wrong HOOK_SECRET, a token, or a URL with a password in it is not printed back into a log.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.ts';

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
