// The environment schema: every setting, its default, and what a bad value is told. Parsed once at
// start-up into a frozen Config; nothing else reads process.env.
import { hostname } from 'node:os';
import { z } from 'zod';
import { parseCidr, type Cidr } from './checks/ip.ts';
import { isIP } from 'node:net';
import type { HostPort } from './ports/net.ts';
import { Lang } from './ports/lang.ts';
import { HelpdeskError } from './errors.ts';
import { BackendsEnv, SECRET_KEYS, backendsProblems } from './config-backends.ts';
import { CHANNELS } from './channels/registry.ts';
import type { AnyChannelPlugin } from './channels/contract.ts';
import { HANDOVER_SECRET_KEYS, HandoverEnv, handoverProblems, handoverSinks, type SinkName } from './config-handover.ts';

const int = (min: number, max: number, def: number) =>
  z.coerce
    .number({ error: `a whole number from ${min} to ${max}` })
    .int(`a whole number from ${min} to ${max}`)
    .min(min, `a whole number from ${min} to ${max}`)
    .max(max, `a whole number from ${min} to ${max}`)
    .default(def);

const url = (what: string) =>
  z.url({ protocol: /^https?$/, error: `${what}: an http(s) URL` });

const DURATION_UNITS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** A retention window like 30d, 24h or 90m, as milliseconds; at least `min` (same notation). */
const duration = (def: string, min: string) => {
  const ms = (v: string) => Number(v.slice(0, -1)) * DURATION_UNITS[v.slice(-1) as keyof typeof DURATION_UNITS];
  const rule = `a duration like 30d, 24h or 90m (days, hours, minutes), at least ${min}`;
  return z
    .string()
    .default(def)
    .refine((v) => /^\d{1,5}[mhd]$/.test(v) && ms(v) >= ms(min), rule)
    .transform(ms);
};

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address; undefined when it is none of them. */
export function parseHostPort(spec: string, defaultPort: number): HostPort | undefined {
  const s = spec.trim();
  const v6 = s.match(/^\[([^\]]+)\](?::(\d+))?$/);
  if (v6?.[1]) return isIP(v6[1]) === 6 ? { host: v6[1], port: v6[2] ? Number(v6[2]) : defaultPort } : undefined;
  if (isIP(s) === 6) return { host: s, port: defaultPort };
  const m = s.match(/^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/);
  if (!m?.[1]) return undefined;
  const port = m[2] ? Number(m[2]) : defaultPort;
  return port > 0 && port < 65536 ? { host: m[1], port } : undefined;
}

const hostPortList = (defaultPort: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return [] as HostPort[];
      const out: HostPort[] = [];
      for (const part of v.split(',').filter((p) => p.trim())) {
        const hp = parseHostPort(part, defaultPort);
        if (!hp) {
          ctx.addIssue({ code: 'custom', message: `host[:port] entries separated by commas; "${part.trim()}" is not one` });
          return z.NEVER;
        }
        out.push(hp);
      }
      return out;
    });

const cidrList = (what: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const out: Cidr[] = [];
      for (const part of (v ?? '').split(',').filter((p) => p.trim())) {
        const c = parseCidr(part);
        if (!c) {
          ctx.addIssue({ code: 'custom', message: `${what} separated by commas; "${part.trim()}" is not one` });
          return z.NEVER;
        }
        out.push(c);
      }
      return out;
    });

const BaseEnv = z.object({
  PORT: int(0, 65535, 3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: url('PUBLIC_URL').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  FLOWS_DIR: z.string().min(1).default('./flows'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),

  ENROLLMENT_API_URL: url('ENROLLMENT_API_URL').optional(),
  ENROLLMENT_API_TOKEN: z.string().min(1).optional(),
  ENROLLMENT_TIMEOUT_MS: int(100, 60000, 2000),
  ENROLLMENT_RETRIES: int(0, 5, 2),
  ENROLLMENT_MAX_CONCURRENT: int(1, 1000, 8),
  ENROLLMENT_MIN_TIME_MS: int(0, 60000, 0),
  ENROLLMENT_CACHE_SECONDS: int(0, 3600, 15),
  DEMO_ACTIVATION_MINUTES: int(0, 1440, 2),

  DNS_SERVERS: hostPortList(53),
  DNS_TIMEOUT_MS: int(100, 30000, 1500),
  NTP_SERVERS: hostPortList(123),
  NTP_INTERVAL_SECONDS: int(16, 86400, 300),
  NTP_TIMEOUT_MS: int(100, 30000, 1500),
  CHECK_TIMEOUT_MS: int(200, 60000, 5000),

  TWOFA_EXEMPT_DOMAINS: z
    .string()
    .default('.se')
    .transform((v) => v.split(',').map((d) => d.trim().toLowerCase()).filter(Boolean))
    .refine((ds) => ds.every((d) => /^\.?[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(d)), 'domain names separated by commas, like .se,uu.se'),
  TWOFA_EXEMPT_NETWORKS: cidrList('CIDR networks (like 130.238.0.0/16)'),
  CLOCK_DRIFTING_SECONDS: int(1, 3600, 10),
  CLOCK_SKEWED_SECONDS: int(1, 3600, 30),
  CODE_VALID_STEPS: int(0, 10, 1),
  CODE_SEARCH_STEPS: int(1, 40, 10),
  CODE_CHECKS_PER_MINUTE: int(1, 60, 5),
  TOKEN_PENDING_MINUTES: int(1, 10080, 15),
  TOKEN_OVERDUE_MINUTES: int(1, 10080, 30),
  TYPING_DELAY_SECONDS: int(0, 60, 4),
  CONVERSATION_IDLE_MINUTES: int(1, 43200, 60),

  CENTRE_NAME: z.string().min(1).default('UPPMAX'),
  // Unset: the centre's page, or with the demo backend, the demo's own enrollment page.
  ENROLLMENT_PAGE_URL: url('ENROLLMENT_PAGE_URL').optional(),
  IDENTITY_SERVICE: z.string().min(1).default('SUPR'),
  SUPPORT_URL: url('SUPPORT_URL').default('https://www.uppmax.uu.se/support/'),
  SUPPORT_EMAIL: z.email({ error: 'an e-mail address' }).default('support@uppmax.uu.se'),
  TIME_CHECK_URL: url('TIME_CHECK_URL').default('https://time.is/'),
  // Where the bot sends questions it does not answer: passwords, and whether the cluster is down.
  // Unset: the helpdesk's own support form ({PUBLIC_URL}/support).
  PASSWORD_HELP_URL: url('PASSWORD_HELP_URL').optional(),
  STATUS_URL: url('STATUS_URL').optional(),
  // The centre's page on setting up two-factor, which the knowledge base's answers cite. Unset: SUPPORT_URL.
  SETUP_GUIDE_URL: url('SETUP_GUIDE_URL').optional(),
  TICKET_DIR: z.string().min(1).optional(),
  TICKET_EMAIL_TO: z.email({ error: 'an e-mail address' }).optional(),
  TICKET_WEBHOOK_URL: url('TICKET_WEBHOOK_URL').optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'an smtp:// or smtps:// URL, like smtp://user:pass@mail.example.org:587' }).optional(),
  MAIL_FROM: z.string().min(3).default('2FA helpdesk <noreply@localhost>'),

  TRUSTED_PROXIES: cidrList('addresses or CIDR networks'),
  PROOF_LINK_MINUTES: int(1, 1440, 15),

  CLOCK_LINK_MINUTES: int(1, 1440, 10),

  // Metrics have their own listener (loopback unless told otherwise), never the public port.
  METRICS_PORT: z.coerce.number({ error: 'a whole number from 0 to 65535' }).int('a whole number from 0 to 65535').min(0, 'a whole number from 0 to 65535').max(65535, 'a whole number from 0 to 65535').optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters (a bearer token for /metrics)').optional(),
  // When people can expect an answer from support: "4h" (hours), "2d" (days) or "1wd" (working days).
  SUPPORT_RESPONSE_TIME: z
    .string()
    .regex(/^\d{1,3}(h|d|wd)$/, 'a number and h, d or wd, like 4h, 2d or 1wd (working days)')
    .default('1wd'),
  // Watches on pending tokens: enrollment API calls the watcher may make per minute, and how often
  // one watch is checked. HOOK_SECRET turns on POST /hooks/token-activated (the import job's push).
  WATCH_CALLS_PER_MINUTE: int(1, 100000, 60),
  WATCH_INTERVAL_SECONDS: int(5, 3600, 60),
  HOOK_SECRET: z.string().min(16, 'at least 16 characters (the shared secret for /hooks/token-activated)').optional(),
  // The language staff read: the staff channel's cards and notes, the outcomes report's headings.
  STAFF_LANG: Lang.default('en'),
  // A configured platform down for longer than this makes /healthz answer 503.
  CHANNEL_GRACE_SECONDS: int(1, 86400, 120),
  // New web conversations one client address may start in 10 minutes.
  NEW_CONVERSATIONS_PER_ADDRESS: int(1, 10000000, 30),

  // Several replicas: PostgreSQL for everything durable (else SQLite in DATA_DIR), Redis for the
  // shared upstream limiter, its cache and the per-key limits (else PostgreSQL keeps the limits).
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'a postgres:// URL, like postgres://helpdesk@db:5432/helpdesk' }).optional(),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a schema name of lower-case letters, digits and _').default('public'),
  DATABASE_POOL_SIZE: int(1, 200, 10),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'a redis:// URL, like redis://cache:6379/0' }).optional(),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_:.-]{1,64}$/, 'letters, digits and _ : . - (up to 64)').default('2fa-helpdesk:'),
  // The longest one Redis command may take, and a connection to open, before this replica falls
  // back to limits and cache in this process (until Redis answers again).
  REDIS_COMMAND_TIMEOUT_MS: int(20, 60000, 250),
  REDIS_CONNECT_TIMEOUT_MS: int(100, 60000, 2000),
  // The name this replica gives in logs and metrics (defaults to the host name and process id).
  REPLICA_NAME: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits and _ . - (up to 64)').optional(),

  // Data protection: how long each kind of record is kept (see docs/privacy.md), where the privacy
  // notice is (unset: the bot's own /privacy page), and personal data in logs (off; for debugging).
  RETENTION_CONVERSATIONS: duration('30d', '1h'),
  RETENTION_SILENT_CONVERSATIONS: duration('1h', '10m'),
  RETENTION_ADDRESSES: duration('24h', '10m'),
  RETENTION_TICKETS: duration('90d', '1d'),
  RETENTION_OUTBOX: duration('24h', '1h'),
  RETENTION_EVENTS: duration('2d', '1h'),
  RETENTION_MAIL_FILES: duration('24h', '1h'),
  RETENTION_OUTCOMES: duration('400d', '1d'),
  PRIVACY_URL: url('PRIVACY_URL').optional(),
  LOG_PERSONAL_DATA: z.enum(['true', 'false'], { error: 'true or false' }).default('false').transform((v) => v === 'true'),
  // Where accounts and tokens come from, and each back-end's settings (config-backends.ts).
  ...BackendsEnv,
  // Where hand-overs go (HANDOVER_SINK) and each ticket system's settings (config-handover.ts).
  ...HandoverEnv,
});

type Env = z.infer<typeof BaseEnv>;

/** The environment schema with the keys each channel owns (its plugin's `keys`, with their rules). */
function envWith(channels: readonly AnyChannelPlugin[]): typeof BaseEnv {
  // Typed as the base: the code outside a channel reads none of its keys (its slice does, by name).
  return BaseEnv.extend(Object.assign({}, ...channels.map((p) => p.keys ?? {})) as Record<string, z.ZodType>) as unknown as typeof BaseEnv;
}
const Env = envWith(CHANNELS);

/** Every key the environment schema reads (docs/configuration.md lists each one). */
export const ENV_KEYS: readonly string[] = Object.keys(Env.shape);

export type Config = Readonly<Env & { PUBLIC_URL: string; TICKET_DIR: string | undefined; HANDOVER_SINKS: readonly SinkName[] }>;

/** A key whose value is a secret: an error line names the key and the rule, never the value. */
export const SECRET_KEY = /(SECRET|TOKEN|PASSWORD|PASS|KEY)$/;

/**
 * What an error line may repeat of a wrong value: nothing of a secret, nor of anything that may carry
 * credentials (a URL with user:password@, which a wrong one often still has).
 */
function shownValue(key: string, value: string | undefined): string | undefined {
  if (value === undefined || SECRET_KEY.test(key) || SECRET_KEYS.has(key) || (HANDOVER_SECRET_KEYS as readonly string[]).includes(key)) return undefined;
  if (value.includes('@') && (/_URL$/.test(key) || /:\/\//.test(value))) return undefined;
  return value;
}

/** Every setting whose value is a URL. */
export const URL_KEYS: readonly string[] = Object.keys(Env.shape).filter((k) => k.endsWith('_URL'));

/**
 * URLs whose library takes its credentials from the URL (pg, ioredis, nodemailer): a password there
 * is accepted and never printed. Every other URL has its own credential setting (a token, a bind
 * password) or none, and `user:password@` in it would be printed with the URL (a start-up banner, a
 * library's error text), so it is refused.
 */
export const URL_KEYS_WITH_CREDENTIALS: ReadonlySet<string> = new Set(['DATABASE_URL', 'REDIS_URL', 'SMTP_URL']);

function hasCredentials(value: string): boolean {
  try {
    const u = new URL(value);
    return u.username !== '' || u.password !== '';
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value);
  }
}

/** A line for each URL setting that carries credentials it must not: the key, never the value. */
function credentialProblems(env: Record<string, string>): string[] {
  return URL_KEYS.filter((k) => !URL_KEYS_WITH_CREDENTIALS.has(k) && env[k] !== undefined && hasCredentials(env[k]))
    .map((k) => `${k}: expected a URL without user:password@ (put credentials in their own setting, never in a URL that is printed)`);
}

/**
 * Parses the environment; every problem is one line naming the key and what was expected. `channels`:
 * the registry's, whose keys the environment schema takes in (a test adds its own channel).
 */
export function parseConfig(env: Record<string, string | undefined>, channels: readonly AnyChannelPlugin[] = CHANNELS): { ok: true; config: Config } | { ok: false; errors: string[] } {
  // An empty value means "not set", as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== '')) as Record<string, string>;
  const refused = credentialProblems(cleaned);
  const parsed = (channels === CHANNELS ? Env : envWith(channels)).safeParse(cleaned);
  if (!parsed.success) {
    return {
      ok: false,
      errors: [...refused, ...parsed.error.issues.map((i) => {
        const key = String(i.path[0] ?? '(environment)');
        const got = shownValue(key, cleaned[key]);
        return `${key}: expected ${i.message.replace(/^Invalid input: /, '')}${got !== undefined ? ` (got "${got.slice(0, 60)}")` : ''}`;
      })],
    };
  }
  const c = parsed.data;
  const errors: string[] = [...refused];
  if (c.ENROLLMENT_API_URL && !c.ENROLLMENT_API_TOKEN) errors.push('ENROLLMENT_API_TOKEN: expected a token when ENROLLMENT_API_URL is set');
  for (const plugin of channels) errors.push(...(plugin.keyProblems?.(c) ?? []).map((p) => `${p.key}: expected ${p.expected}`));
  if (c.CLOCK_SKEWED_SECONDS < c.CLOCK_DRIFTING_SECONDS) errors.push('CLOCK_SKEWED_SECONDS: expected at least CLOCK_DRIFTING_SECONDS');
  if (c.TOKEN_OVERDUE_MINUTES < c.TOKEN_PENDING_MINUTES) errors.push('TOKEN_OVERDUE_MINUTES: expected at least TOKEN_PENDING_MINUTES');
  if (c.REDIS_URL && !c.DATABASE_URL) errors.push('DATABASE_URL: expected with REDIS_URL (Redis shares limits between replicas; the conversations need PostgreSQL)');
  errors.push(...backendsProblems(c), ...handoverProblems(c));
  if (errors.length) return { ok: false, errors };
  // Without another sink, tickets land as files, so the demo and a first install lose none.
  const sinks = handoverSinks(c);
  return {
    ok: true,
    config: Object.freeze({
      ...c,
      PUBLIC_URL: (c.PUBLIC_URL ?? `http://localhost:${c.PORT || 3000}`).replace(/\/$/, ''),
      HANDOVER_SINKS: sinks,
      TICKET_DIR: c.TICKET_DIR ?? (sinks.includes('file') ? `${c.DATA_DIR}/tickets` : undefined),
    }),
  };
}

/** This replica's name in logs and metrics: REPLICA_NAME, else the host name and process id. */
export function replicaName(config: Pick<Config, 'REPLICA_NAME'>): string {
  return config.REPLICA_NAME ?? `${hostname()}-${process.pid}`;
}

export function loadConfig(env: Record<string, string | undefined> = process.env, channels: readonly AnyChannelPlugin[] = CHANNELS): Config {
  const r = parseConfig(env, channels);
  if (!r.ok) throw new HelpdeskError('config.invalid', r.errors.join('\n'));
  return r.config;
}
