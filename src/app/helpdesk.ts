// The composition root: the helpdesk is built part by part (src/app/*), each part from its own
// config slice, and handed to the channels as their context (channel-context.ts). Everything else
// sees ports. src/main.ts is its entry for the command line, the tests and the benchmarks.
import type { AnyChannelPlugin } from '../channels/contract.ts';
import { CHANNELS } from '../channels/registry.ts';
import { replicaName, type Config } from '../config.ts';
import type { Understanding } from '../ports/understanding.ts';
import type { ConversationRunner } from '../engine/runner.ts';
import type { CentreWords } from '../flows/words.ts';
import type { FlowSet } from '../flows/schema.ts';
import type { Snapshot } from '../engine/snapshot.ts';
import type { CheckRunner } from '../checks/index.ts';
import type { CheckDeps } from '../checks/context.ts';
import { diagnose, type DiagnoseRequest, type DiagnosticReport } from '../checks/diagnose.ts';
import type { OutOfBand } from '../engine/out-of-band.ts';
import type { TokenWatch, WatchStore } from '../ports/watches.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { LinkStore } from '../ports/links.ts';
import type { HandoverQueue, TicketSink, TicketStatusReader } from '../ports/tickets.ts';
import type { AccountDirectory } from '../ports/account-directory.ts';
import type { TokenRegistry } from '../ports/token-registry.ts';
import type { CacheSubject } from '../ports/upstream.ts';
import type { DemoEnrollment } from '../ports/enrollment.ts';
import type { MailedProof } from '../ports/identity.ts';
import type { MetricsRegistry } from '../ports/metrics.ts';
import type { RateLimits } from '../ports/limits.ts';
import type { ConversationLookup, ConversationStore, Outbox, RedisState, SeenEvents, SharedValues } from '../ports/store.ts';
import type { Logger } from '../ports/logger.ts';
import { systemClock, type Clock, type ReferenceTime } from '../ports/time.ts';
import { createBackends } from './backend.ts';
import { createChecks } from './checks.ts';
import { createConversations, loadUnderstanding } from './conversations.ts';
import { createLeadership, type LeaderRole } from './leadership.ts';
import { createLog, createMetrics } from './observability.ts';
import { createStore } from './store.ts';
import { createTickets } from './tickets.ts';
import { probeWritable } from '../adapters/folder-probe.ts';
import { SqlStaffThreads } from '../adapters/sql/staff-threads.ts';
import type { StaffThreads } from '../ports/staff-threads.ts';

export type { LeaderRole } from './leadership.ts';

export type HelpdeskStore = ConversationStore<Snapshot> & SeenEvents & ConversationLookup<Snapshot> & Outbox;

/** Where accounts and tokens come from, and how a person's cached answers are forgotten. */
export interface HelpdeskBackends {
  accounts: AccountDirectory;
  tokens: TokenRegistry;
  /** Drops every cached answer about these accounts and addresses (the activation hook, an erasure). */
  forget(who: CacheSubject): Promise<void>;
}

/**
 * The helpdesk as the ports it offers (to the channels, the commands, the tests and the benchmarks);
 * createHelpdesk below chooses the adapter behind each, and nothing else does.
 */
export interface Helpdesk {
  config: Config;
  flows: FlowSet;
  understanding: Understanding;
  words: CentreWords;
  runner: ConversationRunner;
  checks: CheckRunner;
  deps: CheckDeps;
  clock: Clock;
  /**
   * The store, as the ports it offers: conversations, the inbox of acked events, the latest
   * conversation about someone, the web outbox (SQLite in DATA_DIR, or PostgreSQL with DATABASE_URL).
   */
  store: HelpdeskStore;
  /** Per-key limits: in this process, or shared in Redis or PostgreSQL. */
  limits: RateLimits;
  /** Redis (REDIS_URL): whether it answers now or this replica has fallen back to itself. */
  redis?: { state(): RedisState };
  /** Adds a leader's duty (the Discord gateway, the watcher, sweeps: what must happen once): started now if this replica leads, else when it is elected. */
  lead(role: LeaderRole): void;
  /** This process's name in logs and metrics. */
  replica: string;
  /** Values one replica hands the next (the Discord session a new leader resumes). */
  shared: SharedValues;
  /** Tickets not yet delivered to every sink (all replicas). */
  ticketsWaiting(): Promise<number>;
  /** Writes this replica's heartbeat row to the store; rejects when the store takes no writes. */
  storeWritable(): Promise<void>;
  /** The queue every hand-over waits in until each sink has it. */
  tickets: HandoverQueue;
  /** The one hand-over every channel uses (queued, counted). */
  handover: TicketSink;
  /** "Any news?": where a ticket stands, from the sink that can tell (RT, Zammad). */
  ticketStatus: TicketStatusReader;
  /** The hand-over cards in a staff channel: their conversations, owners, and whether closed. */
  staffThreads: StaffThreads;
  /** The time clock measurements are made against (NTP-corrected when NTP answers). */
  reference: ReferenceTime;
  demo?: DemoEnrollment;
  /** Where accounts and tokens come from (each behind its upstream's guard). */
  backends: HelpdeskBackends;
  log: Logger;
  metrics: MetricsRegistry;
  links: LinkStore;
  mailer: Mailer;
  identity: MailedProof;
  /** Keyed material for the web channel's cookies and forms. */
  secret: string;
  /** How replies to a phone's or a mail link's turn reach the conversation's own channel. */
  outOfBand: OutOfBand;
  /** "Tell me when my token is active": the store of watches and the watcher that keeps them. */
  watches: WatchStore;
  watcher: TokenWatch;
  diagnose(req: DiagnoseRequest): Promise<DiagnosticReport>;
  close(): Promise<void>;
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
  /** The channels whose words the helpdesk speaks (the registry's; a test adds its own channel). */
  channels?: readonly AnyChannelPlugin[];
}

export async function createHelpdesk(config: Config, options: HelpdeskOptions = {}): Promise<Helpdesk> {
  const clock = options.clock ?? systemClock;
  const replica = replicaName(config);
  const log = options.log ?? createLog(config, replica);
  const metrics = createMetrics(config, replica, options.watch !== false);
  const { flows, understanding } = loadUnderstanding(config, options.conversations !== false);
  // Each part pushes how to close what it opened; a part that fails closes the ones before it.
  const cleanups: Array<() => unknown> = [];
  try {
    const { db, store, pg, redis, limits } = await createStore(config, log, metrics, cleanups);
    if (redis) metrics.gauge('helpdesk_redis_up', 'Whether Redis answers within REDIS_COMMAND_TIMEOUT_MS (1) or this replica limits and caches in this process (0)', () => (redis.answering ? 1 : 0));
    // Accounts and tokens: the Enrollment API (or the demo), LDAP, privacyIDEA.
    const backends = await createBackends(config, { clock, log, metrics, redis });
    cleanups.push(() => backends.close());
    const { checks, deps, reference } = await createChecks(config, { backends, limits, clock, log, metrics, waitForNtp: options.waitForNtp === true }, cleanups);
    const { mailer, mailDir, tickets, handover, ticketStatus, ownFiles } = createTickets(config, { db, clock, log, metrics, mailer: options.mailer }, cleanups);
    const conversations = await createConversations(
      config,
      { flows, understanding, db, store, limits, checks, deps, handover, ticketStatus, mailer, clock, log, metrics, demoUrl: backends.demo?.url, channels: options.channels ?? CHANNELS },
      cleanups,
    );
    const { runner, words, watches, outOfBand, outcomes } = conversations;
    const { watcher, lead } = await createLeadership(
      config,
      { db, pg, store, watches, checks, handover, ticketStatus, outcomes, runner, outOfBand, mailer, mailDir, forget: (user) => backends.forget({ users: [user], emails: [] }), clock, log, metrics, watch: options.watch !== false },
      cleanups,
    );
    return {
      ...conversations,
      config,
      flows,
      understanding,
      checks,
      deps,
      clock,
      store,
      limits,
      ...(redis ? { redis } : {}),
      lead,
      replica,
      shared: { get: (key) => store.readShared(key), set: (key, value) => store.writeShared(key, value) },
      ticketsWaiting: () => tickets.pendingCount(),
      // The folders this replica writes its own files to count as its store (a full DATA_DIR fails /healthz).
      storeWritable: () => Promise.all([store.heartbeat(replica, Date.now()), probeWritable(ownFiles)]).then(() => undefined),
      tickets,
      handover,
      ticketStatus,
      staffThreads: new SqlStaffThreads(db),
      reference,
      ...(backends.demo ? { demo: backends.demo } : {}),
      backends,
      log,
      metrics,
      mailer,
      watcher,
      diagnose: (req) => diagnose(checks, words, req, clock.now()),
      async close() {
        for (const c of cleanups.reverse()) await c();
      },
    };
  } catch (err) {
    for (const c of cleanups.reverse()) await c();
    throw err;
  }
}
