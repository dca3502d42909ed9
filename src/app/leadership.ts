// What one replica does for all, built from the watch and retention slices (WATCH_*, RETENTION_*,
// DATABASE_URL): the token watcher, housekeeping, and the election of the replica that runs them
// (and, in `serve`, the roles channels add, such as the Discord gateway).
import type { Config } from '../config.ts';
import type { Logger } from '../ports/logger.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { TicketSink, TicketStatusReader } from '../ports/tickets.ts';
import type { Clock } from '../ports/time.ts';
import type { CheckRunner } from '../checks/index.ts';
import type { ConversationRunner } from '../engine/runner.ts';
import type { OutOfBand } from '../engine/out-of-band.ts';
import type { Reply } from '../engine/replies.ts';
import { HelpdeskError } from '../errors.ts';
import { catalogues, render } from '../i18n/index.ts';
import { TokenWatcher } from '../watch/token-watcher.ts';
import { SoleLeader, type Leadership } from '../adapters/leader.ts';
import type { SqlDb } from '../adapters/sql/db.ts';
import type { PostgresDb } from '../adapters/sql/postgres.ts';
import type { SqlStore } from '../adapters/sql/store.ts';
import type { SqlOutcomes } from '../adapters/sql/outcomes.ts';
import type { SqlWatches } from '../adapters/sql-watches.ts';
import type { PrometheusMetrics } from '../adapters/metrics.ts';
import { Housekeeping, retentionPolicy } from './housekeeping.ts';

export interface LeaderRole {
  elected(): Promise<void> | void;
  deposed(): Promise<void> | void;
}

export interface LeadershipContext {
  db: SqlDb;
  pg: PostgresDb | undefined;
  store: SqlStore;
  watches: SqlWatches;
  checks: CheckRunner;
  handover: TicketSink;
  ticketStatus: TicketStatusReader;
  outcomes: SqlOutcomes;
  runner: ConversationRunner;
  outOfBand: OutOfBand;
  mailer: Mailer;
  mailDir: string | undefined;
  forget(user: string): Promise<void>;
  clock: Clock;
  log: Logger;
  metrics: PrometheusMetrics;
  /** false: nothing runs on a timer and no leader is elected (one-shot commands; tests that tick). */
  watch: boolean;
}

export interface LeadershipPart {
  leadership: Leadership;
  watcher: TokenWatcher;
  /** Adds a leader's duty: started now if this replica leads, else when it is elected. */
  lead(role: LeaderRole): void;
}

/** Watch notices whose turn ran but whose delivery failed, kept for the next try (in this process). */
const MAX_UNDELIVERED = 1000;

function createWatcher(config: Config, ctx: LeadershipContext): TokenWatcher {
  const { log, outOfBand, pg } = ctx;
  const undelivered = new Map<string, Reply[]>();
  return new TokenWatcher({
    watches: ctx.watches,
    checks: ctx.checks,
    tickets: ctx.handover,
    clock: ctx.clock,
    log,
    callsPerMinute: config.WATCH_CALLS_PER_MINUTE,
    intervalMs: config.WATCH_INTERVAL_SECONDS * 1000,
    overdueMinutes: config.TOKEN_OVERDUE_MINUTES,
    ...(pg ? { elsewhere: (user: string) => pg.publish('watch-wake', user) } : {}),
    forget: (user) => ctx.forget(user),
    async notify(w, event) {
      const key = `${w.id}:${event.type === 'watch-fired' ? event.what : event.type}`;
      let replies = undelivered.get(key);
      if (!replies) {
        // A turn in the person's own conversation (so it is in the transcript), delivered in its channel.
        const r = await ctx.runner.turn(w.conversationId, event, { channel: w.channel, lang: w.lang, notice: true });
        // Not saved: the turn failed (its replies are the apology) or the store is away; the watcher tries again.
        if (!r.saved) throw new HelpdeskError('engine.fault', 'the watch notice turn was not saved');
        replies = r.replies;
      }
      // Kept until delivered: the watcher's next try delivers these instead of running the turn again.
      if (undelivered.size >= MAX_UNDELIVERED) undelivered.delete(undelivered.keys().next().value as string);
      undelivered.set(key, replies);
      if (!(await outOfBand.deliver(w.conversationId, replies, { strict: true }))) log.warn('no channel took a watch notice', { conversation: w.conversationId });
      undelivered.delete(key);
      if (event.type === 'watch-fired' && event.what === 'active' && w.email && (await outOfBand.isAway(w.conversationId))) {
        const m = catalogues[w.lang].mail;
        await ctx.mailer
          .send({ to: w.email, subject: render(m.active_subject, { centre: config.CENTRE_NAME }), text: render(m.active_body, { centre: config.CENTRE_NAME }) })
          .catch((err: unknown) => log.error('watch mail could not be sent', { code: 'upstream.unavailable', err }));
      }
    },
  });
}

export async function createLeadership(config: Config, ctx: LeadershipContext, cleanups: Array<() => unknown>): Promise<LeadershipPart> {
  const { log } = ctx;
  const watcher = createWatcher(config, ctx);
  // The retention policy (RETENTION_*), applied by the leader: store rows, the demo mailbox, the file ticket inbox.
  const housekeeping = new Housekeeping({
    store: ctx.store,
    policy: retentionPolicy(config),
    clock: ctx.clock,
    log,
    metrics: ctx.metrics,
    outcomes: { store: ctx.outcomes, quietMs: config.CONVERSATION_IDLE_MINUTES * 60_000, ticketStatus: ctx.ticketStatus },
    ...(ctx.mailDir ? { mailDir: ctx.mailDir } : {}),
    ...(config.TICKET_DIR ? { ticketDir: config.TICKET_DIR } : {}),
  });
  let stopListening: (() => void) | undefined;
  const roles = new Set<LeaderRole>([
    {
      elected: () => {
        watcher.start();
        // A hook that reached another replica wakes the watcher here.
        stopListening = ctx.db.subscribe('watch-wake', () => void watcher.tick());
      },
      deposed: () => {
        stopListening?.();
        return watcher.stop();
      },
    },
    housekeeping,
  ]);
  const leadership: Leadership =
    ctx.pg && config.DATABASE_URL
      ? new (await import('../adapters/postgres-leader.ts')).PostgresLeader({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, log })
      : new SoleLeader();
  const each = (what: 'elected' | 'deposed') => async () => {
    for (const r of roles) await Promise.resolve(r[what]()).catch((err: unknown) => log.error(`leader role could not be ${what === 'elected' ? 'started' : 'stopped'}`, { code: 'engine.fault', err }));
  };
  if (ctx.watch) leadership.start({ elected: each('elected'), deposed: each('deposed') });
  cleanups.push(() => leadership.stop());
  cleanups.push(() => watcher.stop());
  cleanups.push(() => housekeeping.deposed());
  return {
    leadership,
    watcher,
    lead(role) {
      roles.add(role);
      if (leadership.leader) void Promise.resolve(role.elected()).catch((err: unknown) => log.error('leader role could not be started', { code: 'engine.fault', err }));
    },
  };
}
