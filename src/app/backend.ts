// Where accounts and tokens come from (ACCOUNTS_BACKEND, TOKENS_BACKEND), built from the back-ends'
// config slice. Each upstream service gets one UpstreamGuard (limiter, timeout, cache, single-flight,
// shared through Redis when configured), so every adapter sits behind the same protection.
import type { SharedRedis } from '../adapters/redis.ts';
import type { Config } from '../config.ts';
import type { AccountDirectory } from '../ports/account-directory.ts';
import type { TokenRegistry } from '../ports/token-registry.ts';
import type { Logger } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { Clock } from '../ports/time.ts';
import { DemoEnrollmentBackend } from '../adapters/demo-enrollment.ts';
import { HttpEnrollment } from '../adapters/enrollment-http.ts';
import { UpstreamGuard } from '../adapters/limits.ts';
import { LdapConnection } from '../adapters/ldap-connection.ts';
import { LdapAccounts } from '../adapters/ldap-accounts.ts';
import { LdapOtpTokens } from '../adapters/ldap-otp-tokens.ts';
import { PrivacyIdeaHttp } from '../adapters/privacyidea-http.ts';
import { PrivacyIdeaTokens } from '../adapters/privacyidea-tokens.ts';

export interface BackendContext {
  clock: Clock;
  log: Logger;
  metrics: Pick<Metrics, 'observe' | 'count'>;
  redis?: SharedRedis | undefined;
}

export interface Backends {
  accounts: AccountDirectory;
  tokens: TokenRegistry;
  /** One guard per upstream service in use: `enrollment`, `ldap`, `privacyidea`. */
  guards: Map<'enrollment' | 'ldap' | 'privacyidea', UpstreamGuard>;
  /** The embedded demo, when the Enrollment API is in use and ENROLLMENT_API_URL is unset. */
  demo?: DemoEnrollmentBackend;
  /** Drops every cached answer about one account (a hook said they are out of date). */
  forget(user: string): Promise<void>;
  close(): Promise<void>;
}

type Upstream = 'enrollment' | 'ldap' | 'privacyidea';

export async function createBackends(config: Config, ctx: BackendContext): Promise<Backends> {
  const cleanups: Array<() => unknown> = [];
  const guards = new Map<Upstream, UpstreamGuard>();
  const guard: Guard = async (name: Upstream, timeoutMs: number) => {
    const existing = guards.get(name);
    if (existing) return existing;
    const g = new UpstreamGuard({
      maxConcurrent: config.ENROLLMENT_MAX_CONCURRENT,
      minTimeMs: config.ENROLLMENT_MIN_TIME_MS,
      // Never longer than a check may take.
      timeoutMs: Math.min(config.CHECK_TIMEOUT_MS, timeoutMs),
      cacheTtlMs: config.ENROLLMENT_CACHE_SECONDS * 1000,
      clock: ctx.clock,
      ...(ctx.redis ? { shared: { redis: ctx.redis, prefix: config.REDIS_PREFIX, name, log: ctx.log, onFallback: () => ctx.metrics.count('helpdesk_limiter_fallback_total', { limiter: `${name}-calls` }) } } : {}),
    });
    cleanups.push(() => g.stop());
    await g.ready();
    guards.set(name, g);
    return g;
  };
  try {
    const { enrollment, demo } =
      config.ACCOUNTS_BACKEND === 'enrollment-api' || config.TOKENS_BACKEND === 'enrollment-api' ? await enrollmentApi(config, ctx, guard, cleanups) : {};

    let ldap: LdapConnection | undefined;
    const ldapConnection = () => {
      ldap ??= new LdapConnection({
        url: config.LDAP_URL ?? '',
        bindDn: config.LDAP_BIND_DN,
        bindPassword: config.LDAP_BIND_PASSWORD,
        startTls: config.LDAP_STARTTLS,
        caFile: config.LDAP_CA_FILE,
        // Two searches for a token, one after the other, within the check's budget.
        timeoutMs: thirdOfBudget(config),
      });
      const c = ldap;
      cleanups.push(() => c.close());
      return c;
    };

    // The LDAP people search, also the otp overlay's way to a person's token entry.
    const people = async () =>
      new LdapAccounts({
        connection: ldapConnection(),
        guard: await guard('ldap', config.CHECK_TIMEOUT_MS),
        baseDn: config.LDAP_BASE_DN ?? '',
        userFilter: config.LDAP_USER_FILTER,
        emailFilter: config.LDAP_EMAIL_FILTER,
        nologinShells: config.LDAP_NOLOGIN_SHELLS,
        attributes: {
          username: config.LDAP_USERNAME_ATTRIBUTE,
          email: config.LDAP_EMAIL_ATTRIBUTE,
          expire: config.LDAP_EXPIRE_ATTRIBUTE,
          shell: config.LDAP_SHELL_ATTRIBUTE,
          locked: config.LDAP_LOCKED_ATTRIBUTE,
        },
        clock: ctx.clock,
        log: ctx.log,
        ...(config.TOKENS_BACKEND === 'ldap-otp' ? { extraAttributes: ['oathTOTPToken'] } : {}),
      });
    const ldapPeople = config.ACCOUNTS_BACKEND === 'ldap' || config.TOKENS_BACKEND === 'ldap-otp' ? await people() : undefined;
    const accounts: AccountDirectory = config.ACCOUNTS_BACKEND === 'ldap' && ldapPeople ? ldapPeople : (enrollment as HttpEnrollment);

    let tokens: TokenRegistry;
    if (config.TOKENS_BACKEND === 'ldap-otp') {
      tokens = new LdapOtpTokens({
        connection: ldap ?? ldapConnection(),
        guard: await guard('ldap', config.CHECK_TIMEOUT_MS),
        people: ldapPeople as LdapAccounts,
        log: ctx.log,
      });
    } else if (config.TOKENS_BACKEND === 'privacyidea') {
      tokens = await privacyIdea(config, ctx, guard, cleanups);
    } else {
      tokens = enrollment as HttpEnrollment;
    }

    return {
      accounts,
      tokens,
      guards,
      ...(demo ? { demo } : {}),
      async forget(user) {
        // Exactly this account's entries (bob's, not bobby's): the Enrollment API's paths, the others' keys.
        const path = `/v1/accounts/${encodeURIComponent(user)}`;
        const mine = (key: string) => key.endsWith(path) || key.includes(`${path}/`) || key === `account:${user}` || key === `tokens:${user}`;
        for (const g of guards.values()) await g.forget(mine);
      },
      async close() {
        for (const c of cleanups.reverse()) await c();
      },
    };
  } catch (err) {
    for (const c of cleanups.reverse()) await c();
    throw err;
  }
}

type Guard = (name: Upstream, timeoutMs: number) => Promise<UpstreamGuard>;

/** One request's share when three may share a check's budget (two searches, or POST /auth and two reads). */
function thirdOfBudget(config: Config): number {
  return Math.max(100, Math.min(config.ENROLLMENT_TIMEOUT_MS, Math.floor((config.CHECK_TIMEOUT_MS - 100) / 3)));
}

/** The Enrollment API, or the embedded demo serving it when no URL is configured. */
async function enrollmentApi(config: Config, ctx: BackendContext, guard: Guard, cleanups: Array<() => unknown>): Promise<{ enrollment: HttpEnrollment; demo?: DemoEnrollmentBackend }> {
  const retries = config.ENROLLMENT_RETRIES;
  let baseUrl = config.ENROLLMENT_API_URL;
  let token = config.ENROLLMENT_API_TOKEN;
  let demo: DemoEnrollmentBackend | undefined;
  if (!baseUrl) {
    const d = new DemoEnrollmentBackend({ clock: ctx.clock, activationMinutes: config.DEMO_ACTIVATION_MINUTES, centre: config.CENTRE_NAME });
    baseUrl = await d.start();
    token = d.token;
    demo = d;
    cleanups.push(() => d.stop());
  }
  const enrollment = new HttpEnrollment({
    baseUrl,
    token: token ?? '',
    // The client keeps its retries within the same budget.
    guard: await guard('enrollment', config.ENROLLMENT_TIMEOUT_MS * (retries + 1) + 200 * 2 ** retries),
    attemptTimeoutMs: config.ENROLLMENT_TIMEOUT_MS,
    budgetMs: config.CHECK_TIMEOUT_MS - 100,
    retries,
    backoffMs: 100,
    log: ctx.log,
    observe: (route, ms, outcome) => ctx.metrics.observe('helpdesk_upstream_request_duration_seconds', { upstream: 'enrollment', route, outcome }, ms / 1000),
  });
  return { enrollment, ...(demo ? { demo } : {}) };
}

/** privacyIDEA's token list (and, with PRIVACYIDEA_VERIFY=otponly, its code check). */
async function privacyIdea(config: Config, ctx: BackendContext, guard: Guard, cleanups: Array<() => unknown>): Promise<TokenRegistry> {
  const api = new PrivacyIdeaHttp({
    baseUrl: config.PRIVACYIDEA_URL ?? '',
    user: config.PRIVACYIDEA_USER,
    password: config.PRIVACYIDEA_PASSWORD,
    apiKey: config.PRIVACYIDEA_API_KEY,
    caFile: config.PRIVACYIDEA_CA_FILE,
    timeoutMs: thirdOfBudget(config),
  });
  cleanups.push(() => api.close());
  return new PrivacyIdeaTokens({ api, guard: await guard('privacyidea', config.CHECK_TIMEOUT_MS), realm: config.PRIVACYIDEA_REALM ?? '', verify: config.PRIVACYIDEA_VERIFY, log: ctx.log });
}
