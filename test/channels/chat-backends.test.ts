// The chat reaches the same fixes whatever back-end answers: the terminal chat as a spawned process
// with accounts and tokens from slapd (ACCOUNTS_BACKEND=ldap, TOKENS_BACKEND=ldap-otp), and with
// tokens from the privacyIDEA contract server (TOKENS_BACKEND=privacyidea, accounts from the demo).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chat, baseEnv, tempDataDir } from '../helpers/cli.ts';
import { BASE_DN, BOT_DN, BOT_PASSWORD, startSlapd, type SlapdPeer } from '../peers/slapd.ts';
import { ADMIN, creationDate, lastAuth, startPrivacyIdea, type PrivacyIdeaPeer } from '../peers/privacyidea.ts';

let slapd: SlapdPeer;
let pi: PrivacyIdeaPeer;
beforeAll(async () => {
  slapd = await startSlapd();
  pi = await startPrivacyIdea();
}, 180_000);
afterAll(async () => {
  await slapd?.close();
  await pi?.close();
});

async function talk(env: NodeJS.ProcessEnv, steps: Array<[string, RegExp]>): Promise<string> {
  const { chat, greeting } = await Chat.start([], env);
  const transcript = [greeting];
  try {
    for (const [line, expected] of steps) {
      const answer = await chat.say(line);
      transcript.push(`> ${line}`, answer);
      expect(answer, transcript.join('\n')).toMatch(expected);
    }
  } finally {
    expect(await chat.end()).toBe(0);
  }
  return transcript.join('\n');
}

describe('the chat with LDAP accounts and otp-overlay tokens', () => {
  const env = () =>
    baseEnv({ DATA_DIR: tempDataDir(), ACCOUNTS_BACKEND: 'ldap', TOKENS_BACKEND: 'ldap-otp', LDAP_URL: slapd.url, LDAP_BIND_DN: BOT_DN, LDAP_BIND_PASSWORD: BOT_PASSWORD, LDAP_BASE_DN: BASE_DN });

  it('an account locked by the password policy is said as such, and a person is offered', async () => {
    const transcript = await talk(env(), [
      ["my code doesn't work", /My login code is not accepted[\s\S]*username/],
      ['lars', /The account lars is locked by the password policy since 2026-11-01[\s\S]*(person|support)/i],
    ]);
    expect(transcript).not.toContain(BOT_PASSWORD);
  }, 180_000);

  it('a user with a token goes on to the code, which the overlay cannot check: the clock is asked about instead', async () => {
    await talk(env(), [
      ["my code doesn't work", /username/],
      ['olga', /\[ok\] The account olga exists[\s\S]*\[ok\] Your two-factor token is active[\s\S]*code it shows right now/],
      ['123456', /cannot check codes|time/i],
    ]);
  }, 180_000);
});

describe('the chat with privacyIDEA tokens', () => {
  it('a token locked after wrong codes: said with the count, advice, and a person offered', async () => {
    pi.users = new Set(['alice']);
    pi.tokens = [{ serial: 'TOTP0001', user: 'alice', secret: 'JBSWY3DPEHPK3PXP', failcount: 10, maxfail: 10, info: { creation_date: creationDate(Date.now() - 86_400_000), last_auth: lastAuth(Date.now() - 3_600_000) } }];
    const env = baseEnv({ DATA_DIR: tempDataDir(), TOKENS_BACKEND: 'privacyidea', PRIVACYIDEA_URL: pi.url, PRIVACYIDEA_REALM: 'people', PRIVACYIDEA_USER: ADMIN.username, PRIVACYIDEA_PASSWORD: ADMIN.password });
    await talk(env, [
      ["my code doesn't work", /username/],
      ['alice', /locked after 10 wrong codes[\s\S]*Only support can unlock it[\s\S]*(person|support)/i],
    ]);
    expect(pi.requests.every((r) => ['/auth', '/token/', '/user/'].includes(r.path))).toBe(true);
  }, 180_000);
});
