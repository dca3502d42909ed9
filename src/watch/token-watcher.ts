// Watches pending tokens and tells the person, once, in their own channel, when one is active; a
// token still pending at TOKEN_OVERDUE_MINUTES gets one staff ticket. It asks the enrollment API
// through the same check (client, limiter, cache) as everything else, within a call budget per
// minute, nearest-to-due first. The import job's push hook only makes a watch due now: the API
// still decides. The budget is a token bucket on the injected clock: bottleneck's reservoir refills
// on real timers, which a simulated day in a test or benchmark cannot drive, and its per-job
// scheduling cost 2.6 ms a check here (10 000 checks in 26 s) against 0.02 ms for a plain pool of
// four; every check still passes the enrollment client's own bottleneck limiter.
import type { CheckRunner } from '../checks/index.ts';
import { fieldOf } from '../checks/define.ts';
import { token } from '../checks/token.ts';
import type { Logger } from '../ports/logger.ts';
import type { Clock } from '../ports/time.ts';
import type { TicketSink } from '../ports/tickets.ts';
import type { TokenWatch, Watch, WatchStore } from '../ports/watches.ts';
import type { EngineEvent } from '../engine/transition.ts';

export interface WatcherOptions {
  watches: WatchStore;
  checks: CheckRunner;
  tickets: TicketSink;
  clock: Clock;
  log: Logger;
  /**
   * Runs a turn in the watch's conversation and delivers its replies in the conversation's channel;
   * rejects when the turn could not be saved or its replies not delivered, so the notice is tried again.
   */
  notify: (watch: Watch, event: EngineEvent) => Promise<void>;
  callsPerMinute: number;
  /** How long after a check the same watch is checked again. */
  intervalMs: number;
  overdueMinutes: number;
  /** A watch ends after this long. */
  lifetimeMs?: number;
  /** Forgets cached enrollment answers about a user (the hook says they are out of date). */
  forget?: (user: string) => Promise<void> | void;
  /** With several replicas: wakes the watcher where it runs (the leader) when this one does not. */
  elsewhere?: (user: string) => Promise<void>;
}

export interface WatcherStats {
  checks: number;
  notified: number;
  overdue: number;
}

/** Checks in flight at once from one pass. */
const CONCURRENCY = 4;
/** A notice claimed this long ago and not given (its replica died while telling) is taken again. */
export const NOTICE_LEASE_MS = 2 * 60_000;
/** A notice that failed (the store or the channel down a moment) is tried again this much later. */
const NOTICE_RETRY_MS = 10_000;

export class TokenWatcher implements TokenWatch {
  private allowance: number;
  private refilledAt: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  readonly stats: WatcherStats = { checks: 0, notified: 0, overdue: 0 };

  constructor(private readonly o: WatcherOptions) {
    this.allowance = o.callsPerMinute;
    this.refilledAt = o.clock.now();
  }

  /** Checks every due watch the budget allows; a call while one runs runs once more after it. */
  tick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass()
      .catch((err: unknown) => this.o.log.error('watch pass failed', { code: 'watch.fault', err }))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.tick();
        }
      });
    return this.running;
  }

  private async pass(): Promise<void> {
    const now = this.o.clock.now();
    for (const w of await this.o.watches.expire(now - (this.o.lifetimeMs ?? 24 * 3600_000))) this.o.log.info('token watch expired', { watch: w.id });
    this.allowance = Math.min(this.o.callsPerMinute, this.allowance + ((now - this.refilledAt) * this.o.callsPerMinute) / 60_000);
    this.refilledAt = now;
    const left = Math.floor(this.allowance);
    if (left <= 0) return;
    const due = await this.o.watches.due(now, left, NOTICE_LEASE_MS);
    this.allowance -= due.length;
    // A few at a time: the enrollment client's own limiter spreads them further.
    let next = 0;
    const worker = async () => {
      while (next < due.length) await this.check(due[next++] as Watch);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, worker));
  }

  private async check(w: Watch): Promise<void> {
    this.stats.checks++;
    const { result } = await this.o.checks.run('token', { user: w.user, lang: w.lang });
    const now = this.o.clock.now();
    if (result.code === 'token.active') return this.tell(w, now);
    const minutes = fieldOf(token, result, 'minutesSinceRegistration') ?? 0;
    if ((result.code === 'token.pending-overdue' || (result.code === 'token.pending' && minutes >= this.o.overdueMinutes)) && !w.overdueTicket) {
      const { reference } = await this.o.tickets.open({
        conversationId: w.conversationId,
        urgent: false,
        lang: w.lang,
        subject: { user: w.user, ...(w.email ? { email: w.email } : {}), identity: 'watch' },
        note: `The token of ${w.user} has been pending for ${minutes} minutes (limit ${this.o.overdueMinutes}): the import job may have failed. The person asked to be told when it is active, and has been told that support has it.`,
        transcript: [],
        findings: [result],
        createdAt: new Date(now).toISOString(),
      });
      if (await this.o.watches.claimOverdue(w.id, reference)) {
        this.stats.overdue++;
        // Support has the ticket either way; a notice that could not be given is logged, and the watch goes on.
        await this.o
          .notify(w, { type: 'watch-fired', what: 'overdue', ticket: reference })
          .catch((err: unknown) => this.o.log.warn('overdue notice not given', { code: 'watch.fault', watch: w.id, ticket: reference, err }));
      }
    }
    await this.o.watches.reschedule(w.id, now + this.o.intervalMs);
  }

  /** Tells the person their token is active: claimed first, so only one replica tells; released when telling fails. */
  private async tell(w: Watch, now: number): Promise<void> {
    if (!(await this.o.watches.claimNotified(w.id, now, NOTICE_LEASE_MS))) return;
    try {
      await this.o.notify(w, { type: 'watch-fired', what: 'active' });
    } catch (err) {
      this.o.log.warn('watch notice not given; trying again', { code: 'watch.fault', watch: w.id, err });
      await this.o.watches.release(w.id, now + NOTICE_RETRY_MS);
      return;
    }
    this.stats.notified++;
    await this.o.watches.notified(w.id);
  }

  /** The import job said this user's token is active: their watches are due now. */
  async wake(user: string): Promise<number> {
    const n = await this.o.watches.wake(user, this.o.clock.now());
    if (n) {
      await this.o.forget?.(user);
      if (this.timer || !this.o.elsewhere) void this.tick();
      else await this.o.elsewhere(user);
    }
    return n;
  }

  start(everyMs = 5000): void {
    this.timer ??= setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
