// The one place that wires configuration, adapters and channels together. Everything else sees ports.
import { randomBytes } from 'node:crypto';
import { getServers } from 'node:dns';
import { loadFlowsOrThrow } from './engine/loader.ts';
import { lazyUnderstanding, trainUnderstanding } from './understanding/train.ts';
import type { Understanding } from './ports/understanding.ts';
import { ConversationRunner } from './engine/runner.ts';
import type { CentreWords } from './engine/words.ts';
import type { FlowSet } from './engine/schema.ts';
import { createCheckRunner, type CheckRunner } from './checks/index.ts';
import type { CheckDeps, CheckSettings } from './checks/context.ts';
import { diagnose, type DiagnoseRequest, type DiagnosticReport } from './checks/diagnose.ts';
import { replicaName, type Config } from './config.ts';
import { createLogger } from './adapters/logger.ts';
import { DemoEnrollmentBackend } from './adapters/demo-enrollment.ts';
import { Dns2Resolver, parseHostPort, type DnsServer } from './adapters/dns.ts';
import { createBackends, type Backends } from './app/backend.ts';
import { UpstreamGuard } from './adapters/limits.ts';
import { FlexibleRateLimits } from './adapters/rate-limits.ts';
import { SoleLeader, type Leadership } from './adapters/leader.ts';
import { openDatabase, type SqlDb } from './adapters/sql/db.ts';
import type { PostgresDb } from './adapters/sql/postgres.ts';
import { SqlStore } from './adapters/sql/store.ts';
import { NtpReference } from './adapters/ntp-reference.ts';
import { FileTicketDelivery } from './adapters/ticket-file.ts';
import { probeWritable } from './adapters/folder-probe.ts';
import { TicketQueue, type TicketDelivery } from './adapters/ticket-queue.ts';
import { MailTicketDelivery, WebhookTicketDelivery } from './adapters/ticket-mail.ts';
import { FileMailer, SmtpMailer } from './adapters/mailer.ts';
import { SqlLinkStore } from './adapters/link-store.ts';
import { EmailProof } from './adapters/email-proof.ts';
import { SqlProofCodes } from './adapters/proof-codes.ts';
import { SqlWatches } from './adapters/sql-watches.ts';
import { TokenWatcher } from './watch/token-watcher.ts';
import type { WatchStore } from './ports/watches.ts';
import { catalogues, render } from './i18n/index.ts';
import { PrometheusMetrics } from './adapters/metrics.ts';
import type { Mailer } from './ports/mailer.ts';
import type { LinkStore } from './ports/links.ts';
import type { TicketSink } from './ports/tickets.ts';
import type { RateLimits } from './ports/limits.ts';
import type { ConversationLookup, Outbox, SeenEvents } from './ports/store.ts';
import path from 'node:path';
import { OutOfBand } from './engine/out-of-band.ts';
import type { Logger } from './ports/logger.ts';
import { systemClock, type Clock } from './ports/time.ts';
import { Housekeeping, PURGED_METRIC, retentionPolicy } from './app/housekeeping.ts';

export interface Helpdesk {
  config: Config;
  flows: FlowSet;
  understanding: Understanding;
  words: CentreWords;
  runner: ConversationRunner;
  checks: CheckRunner;
  deps: CheckDeps;
  clock: Clock;
  /** Conversations, seen events, the web outbox: SQLite in DATA_DIR, or PostgreSQL (DATABASE_URL). */
  store: SqlStore;
  /** Per-key limits: in this process, or shared in Redis or PostgreSQL. */
  limits: RateLimits;
  /** Which replica does what must happen once (the Discord gateway, the watcher, sweeps). */
  leadership: Leadership;
  /** Adds a leader's duty: started now if this replica leads, else when it is elected. */
  lead(role: LeaderRole): void;
  /** This process's name in logs and metrics. */
  replica: string;
  /** The store, as the ports channels may use. */
  seen: SeenEvents;
  lookup: ConversationLookup;
  outbox: Outbox;
  /** Tickets not yet delivered to every sink (all replicas). */
  ticketsWaiting(): Promise<number>;
  /** Writes this replica's heartbeat row to the store; rejects when the store takes no writes. */
  storeWritable(): Promise<void>;
  tickets: TicketQueue;
  /** The one hand-over every channel uses (queued, counted). */
  handover: TicketSink;
  reference: NtpReference;
  demo?: DemoEnrollmentBackend;
  /** The guard of the Enrollment API (or, without it, of the first back-end in use): tests forget its answers. */
  enrollmentGuard: UpstreamGuard;
  /** Where accounts and tokens come from, and the guard in front of each upstream. */
  backends: Backends;
  log: Logger;
  metrics: PrometheusMetrics;
  links: LinkStore;
  mailer: Mailer;
  identity: EmailProof;
  /** Keyed material for the web channel's cookies and forms. */
  secret: string;
  /** How replies to a phone's or a mail link's turn reach the conversation's own channel. */
  outOfBand: OutOfBand;
  /** "Tell me when my token is active": the store of watches and the watcher that keeps them. */
  watches: WatchStore;
  watcher: TokenWatcher;
  diagnose(req: DiagnoseRequest): Promise<DiagnosticReport>;
  close(): Promise<void>;
}

export interface LeaderRole {
  elected(): Promise<void> | void;
  deposed(): Promise<void> | void;
}

export interface HelpdeskOptions {
  log?: Logger;
  clock?: Clock;
  /** Wait for the first NTP answer before returning (diagnose does; serve samples in the background). */
  waitForNtp?: boolean;
  /** Replace the mailer (tests use a real SMTP server instead through SMTP_URL; this is for benchmarks). */
  mailer?: Mailer;
  /** false for one-shot commands that hold no conversation: the understanding is trained only if used. */
  conversations?: boolean;
  /** false: the token watcher does not run on a timer (one-shot commands; tests that tick it), and no leader is elected. */
  watch?: boolean;
}

export const DEFAULT_ENROLLMENT_PAGE = 'https://suprintegration.uppmax.uu.se/bootstrapotp/';

export function centreWords(config: Config, demoUrl?: string): CentreWords {
  return {
    centre: config.CENTRE_NAME,
    enrollment_url: config.ENROLLMENT_PAGE_URL ?? (demoUrl ? `${demoUrl}/enroll/` : DEFAULT_ENROLLMENT_PAGE),
    identity_service: config.IDENTITY_SERVICE,
    support_url: config.SUPPORT_URL,
    support_email: config.SUPPORT_EMAIL,
    time_check_url: config.TIME_CHECK_URL,
    public_url: config.PUBLIC_URL,
    privacy_url: config.PRIVACY_URL ?? `${config.PUBLIC_URL}/privacy`,
    response_time: config.SUPPORT_RESPONSE_TIME,
    password_help_url: config.PASSWORD_HELP_URL ?? `${config.PUBLIC_URL.replace(/\/$/, '')}/support`,
    status_url: config.STATUS_URL ?? `${config.PUBLIC_URL.replace(/\/$/, '')}/support`,
  };
}

function systemDnsServers(): DnsServer[] {
  return getServers()
    .map((s) => parseHostPort(s, 53))
    .filter((s): s is DnsServer => s !== undefined);
}

export async function createHelpdesk(config: Config, options: HelpdeskOptions = {}): Promise<Helpdesk> {
  const clock = options.clock ?? systemClock;
  const replica = replicaName(config);
  const log = options.log ?? createLogger(config.LOG_LEVEL, undefined, config.DATABASE_URL ? { replica } : {}, { personalData: config.LOG_PERSONAL_DATA });
  const metrics = new PrometheusMetrics({ ...(config.DATABASE_URL ? { replica } : {}), processMetrics: options.watch !== false })
    .counter('helpdesk_conversations_started_total', 'Conversations started, by channel', ['channel'])
    .counter('helpdesk_checks_total', 'Checks run, by check and outcome code', ['check', 'code'])
    .counter('helpdesk_escalations_total', 'Hand-overs to people, by urgency', ['urgent'])
    .counter('helpdesk_identity_proofs_total', 'Proof-of-identity requests, by outcome', ['outcome'])
    .counter(PURGED_METRIC, 'Rows (and files) removed or stripped by the retention policy, by kind', ['kind'])
    .histogram('helpdesk_upstream_request_duration_seconds', 'Enrollment API requests, by route and status', ['upstream', 'route', 'outcome'])
    .counter('helpdesk_limiter_fallback_total', 'Limits counted in this process because the shared store (Redis, PostgreSQL) failed, by limiter', ['limiter']);
  // Flows are loaded and the understanding trained at start-up (a conversation's first message must
  // not wait), except for one-shot commands such as `diagnose`, which hold no conversation.
  const { flows, intents } = options.conversations === false ? { flows: new Map() as FlowSet, intents: {} } : loadFlowsOrThrow(config.FLOWS_DIR);
  const understanding = options.conversations === false ? lazyUnderstanding(() => trainUnderstanding(flows, intents)) : trainUnderstanding(flows, intents);
  const db: SqlDb = await openDatabase(config, log);
  const cleanups: Array<() => unknown> = [() => db.close()];
  try {
    const store = await SqlStore.open(db);
    // pg and ioredis are loaded only when configured.
    const pgDb = db.dialect === 'postgres' ? (db as PostgresDb) : undefined;
    const redis = config.REDIS_URL ? await (await import('./adapters/redis.ts')).openRedis(config.REDIS_URL, log) : undefined;
    if (redis) cleanups.push(() => redis.quit().catch(() => redis.disconnect()));
    const limits = new FlexibleRateLimits(
      redis
        ? { kind: 'redis', client: redis, prefix: config.REDIS_PREFIX }
        : pgDb
          ? { kind: 'postgres', pool: pgDb.pool, schema: config.DATABASE_SCHEMA }
          : { kind: 'memory' },
      log,
      (limiter) => metrics.count('helpdesk_limiter_fallback_total', { limiter }),
    );
    // Accounts and tokens: the Enrollment API (or the demo), LDAP, privacyIDEA (src/app/backend.ts).
    const backends = await createBackends(config, { clock, log, metrics, redis });
    cleanups.push(() => backends.close());
    const demo = backends.demo;
    const enrollmentGuard = backends.guards.get('enrollment') ?? [...backends.guards.values()][0]!;

    const dnsGuard = new UpstreamGuard({ maxConcurrent: 64, minTimeMs: 0, timeoutMs: config.DNS_TIMEOUT_MS * 3, cacheTtlMs: 30_000, clock });
    cleanups.push(() => dnsGuard.stop());
    const dns = new Dns2Resolver({
      servers: config.DNS_SERVERS.length ? config.DNS_SERVERS : systemDnsServers(),
      udpTimeoutMs: config.DNS_TIMEOUT_MS,
      tcpTimeoutMs: config.DNS_TIMEOUT_MS,
      guard: dnsGuard,
    });

    const reference = new NtpReference({
      servers: config.NTP_SERVERS,
      clock,
      log,
      intervalMs: config.NTP_INTERVAL_SECONDS * 1000,
      maxAgeMs: Math.max(config.NTP_INTERVAL_SECONDS * 3000, 15 * 60_000),
      replyTimeoutMs: config.NTP_TIMEOUT_MS,
    });
    cleanups.push(() => reference.stop());
    if (options.waitForNtp) await reference.start();
    else void reference.start();

    const settings: CheckSettings = {
      clockDriftingSeconds: config.CLOCK_DRIFTING_SECONDS,
      clockSkewedSeconds: config.CLOCK_SKEWED_SECONDS,
      codeValidSteps: config.CODE_VALID_STEPS,
      codeSearchSteps: config.CODE_SEARCH_STEPS,
      tokenPendingMinutes: config.TOKEN_PENDING_MINUTES,
      tokenOverdueMinutes: config.TOKEN_OVERDUE_MINUTES,
      typingDelaySeconds: config.TYPING_DELAY_SECONDS,
      exemptDomains: config.TWOFA_EXEMPT_DOMAINS,
      exemptNetworks: config.TWOFA_EXEMPT_NETWORKS,
      codeChecksPerMinute: config.CODE_CHECKS_PER_MINUTE,
    };
    const deps: CheckDeps = {
      accounts: backends.accounts,
      tokens: backends.tokens,
      reference,
      dns,
      clock,
      settings,
      codeAttempts: limits.limiter('code-checks', config.CODE_CHECKS_PER_MINUTE, 60_000),
    };
    const bareChecks = createCheckRunner(deps, config.CHECK_TIMEOUT_MS, (id, err) => log.error('check fault', { code: 'check.fault', check: id, err }));
    const checks: CheckRunner = {
      async run(id, input) {
        const out = await bareChecks.run(id, input);
        metrics.count('helpdesk_checks_total', { check: id, code: out.result.code });
        return out;
      },
    };

    const mailer: Mailer =
      options.mailer ?? (config.SMTP_URL ? new SmtpMailer(config.SMTP_URL, config.MAIL_FROM) : new FileMailer(path.join(config.DATA_DIR, 'mail'), config.MAIL_FROM, log));
    const deliveries: TicketDelivery[] = [];
    if (config.TICKET_DIR) deliveries.push(new FileTicketDelivery(config.TICKET_DIR));
    if (config.SMTP_URL) deliveries.push(new MailTicketDelivery(mailer, config.TICKET_EMAIL_TO ?? config.SUPPORT_EMAIL, config.CENTRE_NAME));
    if (config.TICKET_WEBHOOK_URL) deliveries.push(new WebhookTicketDelivery(config.TICKET_WEBHOOK_URL));
    const tickets = new TicketQueue(db, deliveries, clock, log);
    const ownFiles = [...(config.TICKET_DIR ? [config.TICKET_DIR] : []), ...(mailer instanceof FileMailer ? [mailer.dir] : [])];
    tickets.start();
    cleanups.push(() => tickets.stop());
    metrics.gauge('helpdesk_tickets_waiting', 'Tickets not yet delivered to every sink', () => tickets.pendingCount());
    metrics.gauge('helpdesk_oldest_ticket_waiting_seconds', 'Age of the oldest ticket not yet delivered to every sink (0 when none waits)', async () => {
      const at = await tickets.oldestPendingAt();
      return at === undefined ? 0 : Math.max(0, (clock.now() - at) / 1000);
    });
    // As /healthz decides it: the store answers within 2 s.
    metrics.gauge('helpdesk_store_up', 'Whether the conversation store answers (1) or not (0)', () =>
      Promise.race([tickets.pendingCount().then(() => 1), new Promise<number>((resolve) => setTimeout(() => resolve(0), 2000).unref())]).catch(() => 0),
    );
    const countedTickets: TicketSink = {
      async open(ticket) {
        const r = await tickets.open(ticket);
        metrics.count('helpdesk_escalations_total', { urgent: String(ticket.urgent) });
        return r;
      },
    };

    // Keys every replica shares: made by the first, read by the rest.
    const key = () => randomBytes(32).toString('base64url');
    const secret = await store.meta('web-secret', key);
    const links = new SqlLinkStore(db, secret, clock);
    const identity = new EmailProof({
      deps,
      limits,
      codes: new SqlProofCodes(db, await store.meta('proof-key', key), clock),
      mailer,
      clock,
      log,
      metrics,
      centre: config.CENTRE_NAME,
      supportEmail: config.SUPPORT_EMAIL,
      linkMinutes: config.PROOF_LINK_MINUTES,
    });
    cleanups.push(() => identity.stop());

    const words = centreWords(config, demo?.url);
    const idleMs = config.CONVERSATION_IDLE_MINUTES * 60_000;
    const watches = new SqlWatches(db);
    const runner = new ConversationRunner({
      watches,
      flows,
      understanding,
      words,
      checks,
      store,
      tickets: countedTickets,
      clock,
      codeKey: await store.meta('code-key', key),
      idleMs,
      log,
      identity,
      metrics,
    });
    // The retention policy (RETENTION_*), applied by the leader: store rows, the demo mailbox, the file ticket inbox.
    const housekeeping = new Housekeeping({
      store,
      policy: retentionPolicy(config),
      clock,
      log,
      metrics,
      ...(mailer instanceof FileMailer ? { mailDir: path.join(config.DATA_DIR, 'mail') } : {}),
      ...(config.TICKET_DIR ? { ticketDir: config.TICKET_DIR } : {}),
    });
    const outOfBand = new OutOfBand(log, store, () => clock.now());
    const watcher = new TokenWatcher({
      watches,
      checks,
      tickets: countedTickets,
      clock,
      log,
      callsPerMinute: config.WATCH_CALLS_PER_MINUTE,
      intervalMs: config.WATCH_INTERVAL_SECONDS * 1000,
      overdueMinutes: config.TOKEN_OVERDUE_MINUTES,
      ...(pgDb ? { elsewhere: (user: string) => pgDb.publish('watch-wake', user) } : {}),
      forget: (user) => backends.forget(user),
      async notify(w, event) {
        // A turn in the person's own conversation (so it is in the transcript), delivered in its channel.
        const r = await runner.turn(w.conversationId, event, { channel: w.channel, lang: w.lang, notice: true });
        if (!(await outOfBand.deliver(w.conversationId, r.replies))) log.warn('no channel took a watch notice', { conversation: w.conversationId });
        if (event.type === 'watch-fired' && event.what === 'active' && w.email && (await outOfBand.isAway(w.conversationId))) {
          const m = catalogues[w.lang].mail;
          await mailer
            .send({ to: w.email, subject: render(m.active_subject, { centre: config.CENTRE_NAME }), text: render(m.active_body, { centre: config.CENTRE_NAME }) })
            .catch((err: unknown) => log.error('watch mail could not be sent', { code: 'upstream.unavailable', err }));
        }
      },
    });
    // What one replica does for all: the watcher's calls and the sweeps (and, in `serve`, the Discord gateway).
    let stopListening: (() => void) | undefined;
    const roles = new Set<LeaderRole>([
      {
        elected: () => {
          watcher.start();
          // A hook that reached another replica wakes the watcher here.
          stopListening = db.subscribe('watch-wake', () => void watcher.tick());
        },
        deposed: () => {
          stopListening?.();
          return watcher.stop();
        },
      },
      housekeeping,
    ]);
    const leadership: Leadership =
      pgDb && config.DATABASE_URL
        ? new (await import('./adapters/postgres-leader.ts')).PostgresLeader({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, log })
        : new SoleLeader();
    const each = (what: 'elected' | 'deposed') => async () => {
      for (const r of roles) await Promise.resolve(r[what]()).catch((err: unknown) => log.error(`leader role could not be ${what === 'elected' ? 'started' : 'stopped'}`, { code: 'engine.fault', err }));
    };
    if (options.watch !== false) leadership.start({ elected: each('elected'), deposed: each('deposed') });
    cleanups.push(() => leadership.stop());
    cleanups.push(() => watcher.stop());
    cleanups.push(() => housekeeping.deposed());

    return {
      config,
      flows,
      understanding,
      words,
      runner,
      checks,
      deps,
      clock,
      store,
      limits,
      leadership,
      lead(role) {
        roles.add(role);
        if (leadership.leader) void Promise.resolve(role.elected()).catch((err: unknown) => log.error('leader role could not be started', { code: 'engine.fault', err }));
      },
      replica,
      seen: store,
      lookup: store,
      outbox: store,
      ticketsWaiting: () => tickets.pendingCount(),
      // The folders this replica writes its own files to count as its store (issue 23: a full DATA_DIR).
      storeWritable: () => Promise.all([store.heartbeat(replica, Date.now()), probeWritable(ownFiles)]).then(() => undefined),
      tickets,
      handover: countedTickets,
      reference,
      ...(demo ? { demo } : {}),
      enrollmentGuard,
      backends,
      log,
      metrics,
      links,
      mailer,
      identity,
      secret,
      outOfBand,
      watches,
      watcher,
      diagnose: (req) => diagnose(checks, words, req, clock.now()),
      async close() {
        if (mailer instanceof SmtpMailer) mailer.close();
        for (const c of cleanups.reverse()) await c();
      },
    };
  } catch (err) {
    for (const c of cleanups.reverse()) await c();
    throw err;
  }
}
