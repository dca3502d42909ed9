// The 1 000-diagnoses surge (100 distinct users, cold caches) against each back-end, counted at the
// server: the Enrollment API (the demo), OpenLDAP (slapd, accounts and otp-overlay tokens) and the
// privacyIDEA contract server (tokens; accounts from the demo). Plus the median time of one diagnose
// (100 users in turn, each new to the cache), printed next to the Enrollment API's.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSecret } from 'otplib';
import { loadConfig } from '../src/config.ts';
import { createHelpdesk } from '../src/main.ts';
import { DemoEnrollmentBackend } from '../src/adapters/demo-enrollment.ts';
import { silentLogger } from '../src/ports/logger.ts';
import { systemClock } from '../src/ports/time.ts';
import { BASE_DN, BOT_DN, BOT_PASSWORD, startSlapd } from '../test/peers/slapd.ts';
import { ADMIN, creationDate, startPrivacyIdea } from '../test/peers/privacyidea.ts';
import { benchUsers } from './replicas.ts';

const USERS = 100;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function ldapUsers(): string {
  return Array.from({ length: USERS }, (_, i) =>
    [
      `dn: cn=tok-${i},ou=tokens,dc=example,dc=org`,
      'objectClass: device',
      'objectClass: oathTOTPToken',
      `cn: tok-${i}`,
      'oathTOTPParams: cn=totp-params,ou=tokens,dc=example,dc=org',
      '',
      `dn: uid=user${i},${BASE_DN}`,
      'objectClass: inetOrgPerson',
      'objectClass: posixAccount',
      'objectClass: shadowAccount',
      'objectClass: oathTOTPUser',
      `uid: user${i}`,
      `cn: user${i}`,
      `sn: user${i}`,
      `mail: user${i}@example.org`,
      `uidNumber: ${20000 + i}`,
      'gidNumber: 1000',
      `homeDirectory: /home/user${i}`,
      'loginShell: /bin/bash',
      `oathTOTPToken: cn=tok-${i},ou=tokens,dc=example,dc=org`,
      '',
    ].join('\n'),
  ).join('\n');
}

interface Figures {
  backend: string;
  upstreamCalls: number;
  callsPerUser: number;
  failed: number;
  /** What the wrong ones said (a few), when any were wrong. */
  wrongCodes: string[];
  surgeMs: number;
  diagnoseMedianMs: number;
}

async function measure(backend: string, env: Record<string, string>, count: () => number): Promise<Figures> {
  const tmp = () => mkdtempSync(path.join(os.tmpdir(), '2fa-bench-'));
  const base = { DNS_SERVERS: '127.0.0.1:9', DNS_TIMEOUT_MS: '200', NTP_SERVERS: '', LOG_LEVEL: 'silent', ...env };
  // Latency: one user after another, each new to the cache (the guard's cache is per helpdesk).
  const app = await createHelpdesk(loadConfig({ ...base, DATA_DIR: tmp() }), { log: silentLogger, conversations: false, watch: false });
  const latencies: number[] = [];
  for (let i = 0; i < USERS; i++) {
    const started = performance.now();
    await app.diagnose({ user: `user${i}` });
    latencies.push(performance.now() - started);
  }
  await app.close();
  // The surge: 1 000 at once, 100 distinct users, a cold cache.
  const cold = await createHelpdesk(loadConfig({ ...base, DATA_DIR: tmp() }), { log: silentLogger, conversations: false, watch: false });
  const before = count();
  const started = performance.now();
  const reports = await Promise.all(Array.from({ length: 1000 }, (_, i) => cold.diagnose({ user: `user${i % USERS}` })));
  const surgeMs = performance.now() - started;
  const calls = count() - before;
  await cold.close();
  const failed = reports.filter((r) => r.checks.some((c) => c.code.endsWith('.unavailable') || c.code === 'account.missing' || c.code === 'token.none')).length;
  const wrongCodes = [...new Set(reports.flatMap((r) => r.checks.filter((c) => c.code.endsWith('.unavailable') || c.code === 'account.missing' || c.code === 'token.none').map((c) => `${c.code}${c.data.reason ? ` (${String(c.data.reason).slice(0, 60)})` : ''}`)))].slice(0, 3);
  return { backend, upstreamCalls: calls, callsPerUser: round(calls / USERS), failed, wrongCodes, surgeMs: Math.round(surgeMs), diagnoseMedianMs: round(quantile(latencies, 0.5)) };
}

export async function backendsBench(): Promise<Figures[]> {
  const out: Figures[] = [];
  const demo = new DemoEnrollmentBackend({ clock: systemClock, extraUsers: benchUsers() });
  await demo.start();
  const enrollment = { ENROLLMENT_API_URL: demo.url, ENROLLMENT_API_TOKEN: demo.token };
  out.push(await measure('enrollment-api', enrollment, () => demo.totalRequests()));

  const slapd = await startSlapd({ extraLdif: ldapUsers(), logSearches: true });
  const searches = () => slapd.daemon.output().split('\n').filter((l) => / SRCH base=/.test(l)).length;
  out.push(
    await measure(
      'ldap + ldap-otp (slapd)',
      { ACCOUNTS_BACKEND: 'ldap', TOKENS_BACKEND: 'ldap-otp', LDAP_URL: slapd.url, LDAP_BIND_DN: BOT_DN, LDAP_BIND_PASSWORD: BOT_PASSWORD, LDAP_BASE_DN: BASE_DN },
      searches,
    ),
  );
  await slapd.close();

  const pi = await startPrivacyIdea();
  for (let i = 0; i < USERS; i++) {
    pi.users.add(`user${i}`);
    pi.tokens.push({ serial: `TOTP${String(i).padStart(4, '0')}`, user: `user${i}`, secret: generateSecret(), info: { creation_date: creationDate(Date.now() - 86_400_000) } });
  }
  // privacyIDEA's requests other than POST /auth (one JWT for the whole run) are the per-user calls.
  const piCalls = () => pi.requests.filter((r) => r.path !== '/auth').length;
  const demoAndPi = () => piCalls() + demo.totalRequests();
  out.push(
    await measure(
      'enrollment-api accounts + privacyidea tokens',
      { ...enrollment, TOKENS_BACKEND: 'privacyidea', PRIVACYIDEA_URL: pi.url, PRIVACYIDEA_REALM: 'people', PRIVACYIDEA_USER: ADMIN.username, PRIVACYIDEA_PASSWORD: ADMIN.password },
      demoAndPi,
    ),
  );
  const auths = pi.requests.filter((r) => r.path === '/auth').length;
  await pi.close();
  await demo.stop();
  const last = out.at(-1);
  if (last) last.backend += ` (${auths} POST /auth in all)`;
  return out;
}

export function backendsLines(figures: Figures[]): string[] {
  const reference = figures[0]?.diagnoseMedianMs ?? NaN;
  return figures.map(
    (f) =>
      `back-end ${f.backend}: 1000 diagnoses of ${USERS} users -> ${f.upstreamCalls} upstream calls (${f.callsPerUser} per user, goal <= 2), ${f.failed} wrong${f.wrongCodes.length ? ` [${f.wrongCodes.join('; ')}]` : ''}, ${f.surgeMs} ms; diagnose median ${f.diagnoseMedianMs} ms (${round(f.diagnoseMedianMs / reference)}x the Enrollment API's)`,
  );
}
