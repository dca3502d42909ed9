// Where accounts and tokens come from (ACCOUNTS_BACKEND, TOKENS_BACKEND), built from the back-ends'
// config slice. Each upstream service gets one UpstreamGuard (limiter, timeout, cache, single-flight,
// shared through Redis when configured), so every adapter sits behind the same protection. An
// adapter's module (and its client library: ldapts for LDAP) is loaded only when it is configured.
import type { SharedRedis } from '../adapters/redis.ts';
import type { Config } from '../config.ts';
import type { AccountDirectory } from '../ports/account-directory.ts';
import type { TokenRegistry } from '../ports/token-registry.ts';
import type { Logger } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { Clock } from '../ports/time.ts';
import type { CacheSubject, ForgetsAnswers } from '../ports/upstream.ts';
import type { DemoEnrollmentBackend } from '../adapters/demo-enrollment.ts';
import type { HttpEnrollment } from '../adapters/enrollment-http.ts';
import { UpstreamGuard } from '../adapters/limits.ts';
import { observerFor } from '../adapters/upstream-timing.ts';
import type { LdapConnection } from '../adapters/ldap-connection.ts';
import type { LdapAccounts } from '../adapters/ldap-accounts.ts';
import type { PrivacyIdeaTokens } from '../adapters/privacyidea-tokens.ts';

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
  /** Drops every cached answer about these accounts and addresses (a hook said they are out of date; an erasure). */
  forget(who: CacheSubject): Promise<void>;
  close(): Promise<void>;
}

type Upstream = 'enrollment' | 'ldap' | 'privacyidea';

/**
 * One back-end: the upstream service (and so the guard) it runs under, and its adapter's module,
 * loaded when the back-end is configured (an erasure, or the helpdesk starting with it).
 */
interface BackendKind<T> {
  upstream: Upstream;
  load(): Promise<BackendAdapter<T>>;
}

/**
 * What a back-end's adapter module gives: how it tells its cached answers about one person from
 * others' (its own cache keys), and how it is built from the parts it shares with others (one LDAP
 * connection, one Enrollment API client).
 */
interface BackendAdapter<T> {
  ownsCacheKey(key: string, who: CacheSubject): boolean;
  /** The adapter, which forgets a person's cached answers by those keys itself. */
  create(parts: BackendParts): Promise<T & ForgetsAnswers>;
}

/** The Enrollment API serves accounts and tokens both, with one client. */
const enrollmentApiBackend = {
  upstream: 'enrollment',
  load: async () => {
    const { HttpEnrollment } = await import('../adapters/enrollment-http.ts');
    return { ownsCacheKey: HttpEnrollment.ownsCacheKey, create: async (p: BackendParts) => (await p.enrollment()).client };
  },
} satisfies BackendKind<AccountDirectory & TokenRegistry>;

/** ACCOUNTS_BACKEND: where accounts come from. */
export const ACCOUNT_BACKENDS: Record<Config['ACCOUNTS_BACKEND'], BackendKind<AccountDirectory>> = {
  'enrollment-api': enrollmentApiBackend,
  ldap: {
    upstream: 'ldap',
    load: async () => {
      const { LdapAccounts } = await import('../adapters/ldap-accounts.ts');
      return { ownsCacheKey: LdapAccounts.ownsCacheKey, create: (p) => p.people() };
    },
  },
};

/** TOKENS_BACKEND: where tokens come from. */
export const TOKEN_BACKENDS: Record<Config['TOKENS_BACKEND'], BackendKind<TokenRegistry>> = {
  'enrollment-api': enrollmentApiBackend,
  privacyidea: {
    upstream: 'privacyidea',
    load: async () => {
      const { PrivacyIdeaTokens } = await import('../adapters/privacyidea-tokens.ts');
      return { ownsCacheKey: PrivacyIdeaTokens.ownsCacheKey, create: (p) => privacyIdea(p) };
    },
  },
  'ldap-otp': {
    upstream: 'ldap',
    load: async () => {
      const { LdapOtpTokens } = await import('../adapters/ldap-otp-tokens.ts');
      return {
        ownsCacheKey: LdapOtpTokens.ownsCacheKey,
        create: async (p) => new LdapOtpTokens({ connection: await p.ldapConnection(), guard: await p.guard('ldap', p.config.CHECK_TIMEOUT_MS), people: await p.people(), log: p.ctx.log }),
      };
    },
  },
};

/** The back-ends a configuration uses, with the guard each runs under and its own cache keys. */
export async function backendsInUse(config: Pick<Config, 'ACCOUNTS_BACKEND' | 'TOKENS_BACKEND'>): Promise<Array<{ upstream: Upstream } & Pick<BackendAdapter<unknown>, 'ownsCacheKey'>>> {
  const kinds = [ACCOUNT_BACKENDS[config.ACCOUNTS_BACKEND], TOKEN_BACKENDS[config.TOKENS_BACKEND]];
  return Promise.all(kinds.map(async (kind) => ({ upstream: kind.upstream, ownsCacheKey: (await kind.load()).ownsCacheKey })));
}

export async function createBackends(config: Config, ctx: BackendContext): Promise<Backends> {
  const parts = new BackendParts(config, ctx);
  try {
    const accounts = await (await ACCOUNT_BACKENDS[config.ACCOUNTS_BACKEND].load()).create(parts);
    const tokens = await (await TOKEN_BACKENDS[config.TOKENS_BACKEND].load()).create(parts);
    const demo = parts.demo;
    return {
      accounts,
      tokens,
      guards: parts.guards,
      ...(demo ? { demo } : {}),
      async forget(who) {
        // Each back-end forgets by its own keys: exactly this person's answers (bob's, not bobby's).
        for (const backend of new Set<ForgetsAnswers>([accounts, tokens])) await backend.forget(who);
      },
      close: () => parts.close(),
    };
  } catch (err) {
    await parts.close();
    throw err;
  }
}

/** What back-ends share, each built once when the first asks: the guards, the LDAP connection and people search, the Enrollment API client. */
class BackendParts {
  readonly guards = new Map<Upstream, UpstreamGuard>();
  demo: DemoEnrollmentBackend | undefined;
  private readonly cleanups: Array<() => unknown> = [];
  private ldap: Promise<LdapConnection> | undefined;
  private peopleSearch: Promise<LdapAccounts> | undefined;
  private enrollmentClient: Promise<{ client: HttpEnrollment }> | undefined;

  constructor(
    readonly config: Config,
    readonly ctx: BackendContext,
  ) {}

  readonly guard: Guard = async (name, timeoutMs) => {
    const existing = this.guards.get(name);
    if (existing) return existing;
    const { config, ctx } = this;
    const g = new UpstreamGuard({
      maxConcurrent: config.ENROLLMENT_MAX_CONCURRENT,
      minTimeMs: config.ENROLLMENT_MIN_TIME_MS,
      // Never longer than a check may take.
      timeoutMs: Math.min(config.CHECK_TIMEOUT_MS, timeoutMs),
      cacheTtlMs: config.ENROLLMENT_CACHE_SECONDS * 1000,
      clock: ctx.clock,
      ...(ctx.redis ? { shared: { redis: ctx.redis, prefix: config.REDIS_PREFIX, name, log: ctx.log, onFallback: () => ctx.metrics.count('helpdesk_limiter_fallback_total', { limiter: `${name}-calls` }) } } : {}),
    });
    this.cleanups.push(() => g.stop());
    this.guards.set(name, g);
    await g.ready();
    return g;
  };

  ldapConnection(): Promise<LdapConnection> {
    this.ldap ??= this.openLdap();
    return this.ldap;
  }

  private async openLdap(): Promise<LdapConnection> {
    const { LdapConnection } = await import('../adapters/ldap-connection.ts');
    const config = this.config;
    const c = new LdapConnection({
      url: config.LDAP_URL ?? '',
      bindDn: config.LDAP_BIND_DN,
      bindPassword: config.LDAP_BIND_PASSWORD,
      startTls: config.LDAP_STARTTLS,
      caFile: config.LDAP_CA_FILE,
      // Two searches for a token, one after the other, within the check's budget.
      timeoutMs: thirdOfBudget(config),
      observe: observerFor(this.ctx.metrics, 'ldap'),
    });
    this.cleanups.push(() => c.close());
    return c;
  }

  /** The LDAP people search, also the otp overlay's way to a person's token entry. */
  people(): Promise<LdapAccounts> {
    const { config, ctx } = this;
    this.peopleSearch ??= (async () => {
      const { LdapAccounts } = await import('../adapters/ldap-accounts.ts');
      return new LdapAccounts({
        connection: await this.ldapConnection(),
        guard: await this.guard('ldap', config.CHECK_TIMEOUT_MS),
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
    })();
    return this.peopleSearch;
  }

  /** The Enrollment API client (accounts and tokens may share it), or the embedded demo serving it. */
  enrollment(): Promise<{ client: HttpEnrollment }> {
    this.enrollmentClient ??= enrollmentApi(this.config, this.ctx, this.guard, this.cleanups).then(({ enrollment, demo }) => {
      this.demo = demo;
      return { client: enrollment };
    });
    return this.enrollmentClient;
  }

  addCleanup(c: () => unknown): void {
    this.cleanups.push(c);
  }

  async close(): Promise<void> {
    for (const c of this.cleanups.reverse()) await c();
    this.cleanups.length = 0;
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
    const { DemoEnrollmentBackend } = await import('../adapters/demo-enrollment.ts');
    const d = new DemoEnrollmentBackend({ clock: ctx.clock, activationMinutes: config.DEMO_ACTIVATION_MINUTES, centre: config.CENTRE_NAME });
    baseUrl = await d.start();
    token = d.token;
    demo = d;
    cleanups.push(() => d.stop());
  }
  const { HttpEnrollment } = await import('../adapters/enrollment-http.ts');
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
    observe: observerFor(ctx.metrics, 'enrollment'),
  });
  return { enrollment, ...(demo ? { demo } : {}) };
}

/** privacyIDEA's token list (and, with PRIVACYIDEA_VERIFY=otponly, its code check). */
async function privacyIdea(parts: BackendParts): Promise<PrivacyIdeaTokens> {
  const { config, ctx } = parts;
  const [{ PrivacyIdeaHttp }, { PrivacyIdeaTokens }] = await Promise.all([import('../adapters/privacyidea-http.ts'), import('../adapters/privacyidea-tokens.ts')]);
  // An admin's name and password (a JWT from POST /auth), or a long-lived API key.
  const credentials = { user: config.PRIVACYIDEA_USER, password: config.PRIVACYIDEA_PASSWORD, apiKey: config.PRIVACYIDEA_API_KEY };
  const api = new PrivacyIdeaHttp({ baseUrl: config.PRIVACYIDEA_URL ?? '', caFile: config.PRIVACYIDEA_CA_FILE, timeoutMs: thirdOfBudget(config), observe: observerFor(ctx.metrics, 'privacyidea'), ...credentials });
  parts.addCleanup(() => api.close());
  return new PrivacyIdeaTokens({ api, guard: await parts.guard('privacyidea', config.CHECK_TIMEOUT_MS), realm: config.PRIVACYIDEA_REALM ?? '', verify: config.PRIVACYIDEA_VERIFY, log: ctx.log });
}
