// One conversation test's world: the real engine, understanding and checks; the embedded demo
// enrollment backend; a simulated clock (no sleeping); the DNS fixtures; tickets kept in memory.
import { generateSync } from 'otplib';
import { DemoEnrollmentBackend, demoUsers } from '../adapters/demo-enrollment.ts';
import { HttpEnrollment } from '../adapters/enrollment-http.ts';
import { UpstreamGuard } from '../adapters/limits.ts';
import { FlexibleRateLimits } from '../adapters/rate-limits.ts';
import { SqliteDb } from '../adapters/sql/db.ts';
import { SqlStore } from '../adapters/sql/store.ts';
import { SqlWatches } from '../adapters/sql-watches.ts';
import { DEFAULT_CHECK_SETTINGS } from '../checks/context.ts';
import { createCheckRunner } from '../checks/index.ts';
import { ConversationRunner } from '../engine/runner.ts';
import type { HandoverAbilities } from '../engine/env.ts';
import type { FlowSet } from '../flows/schema.ts';
import type { CentreWords } from '../flows/words.ts';
import { silentLogger } from '../ports/logger.ts';
import type { Ticket, TicketSink, TicketStatusReader } from '../ports/tickets.ts';
import type { Clock, ReferenceTime } from '../ports/time.ts';
import type { Understanding } from '../ports/understanding.ts';
import { FixtureDns } from './fixture-dns.ts';

/** 11:00 in Stockholm. */
export const SIMULATED_START = Date.parse('2026-11-28T10:00:00Z');

export class SimulatedClock implements Clock {
  constructor(public t = SIMULATED_START) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Tickets as filed: a follow-up names the ticket it adds to (`relatesTo`). */
export class RecordedTickets implements TicketSink {
  readonly filed: Ticket[] = [];
  async open(ticket: Ticket): Promise<{ reference: string }> {
    this.filed.push(ticket);
    return { reference: `HD-TEST${this.filed.length}` };
  }
}

export interface HarnessOptions {
  flows: FlowSet;
  understanding: Understanding;
  words: CentreWords;
  /** Where tickets go and their status comes from (a queue with a ticket system); recorded in memory when not given. */
  ticketSystem?: TicketSink & TicketStatusReader;
  /** What that ticket system can do for the person (a mail sink's when not given). */
  handover?: HandoverAbilities;
}

export class Harness {
  readonly clock = new SimulatedClock();
  readonly tickets = new RecordedTickets();
  private readonly demo = new DemoEnrollmentBackend({ clock: this.clock, centre: 'UPPMAX' });
  private readonly guard = new UpstreamGuard({ maxConcurrent: 8, minTimeMs: 0, timeoutMs: 10_000, cacheTtlMs: 0, clock: this.clock });
  /** The conversations (a test may place one at any step). */
  store?: SqlStore;
  runner?: ConversationRunner;

  constructor(private readonly o: HarnessOptions) {}

  async start(): Promise<ConversationRunner> {
    const baseUrl = await this.demo.start();
    const enrollment = new HttpEnrollment({ baseUrl, token: this.demo.token, guard: this.guard, attemptTimeoutMs: 10_000, retries: 0, backoffMs: 0, log: silentLogger });
    const clock = this.clock;
    const reference: ReferenceTime = { now: () => ({ ms: clock.now(), reference: 'ntp', hostOffsetMs: 0 }) };
    const limits = new FlexibleRateLimits({ kind: 'memory' }, silentLogger);
    const checks = createCheckRunner(
      { accounts: enrollment, tokens: enrollment, reference, dns: new FixtureDns(), clock, settings: { ...DEFAULT_CHECK_SETTINGS }, codeAttempts: limits.limiter('code-checks', 1000, 60_000) },
      10_000,
    );
    const db = SqliteDb.open(':memory:');
    this.store = await SqlStore.open(db);
    this.runner = new ConversationRunner({
      flows: this.o.flows,
      understanding: this.o.understanding,
      words: this.o.words,
      checks,
      store: this.store,
      tickets: this.o.ticketSystem ?? this.tickets,
      ...(this.o.ticketSystem ? { ticketStatus: this.o.ticketSystem } : {}),
      ...(this.o.handover ? { handover: this.o.handover } : {}),
      clock,
      codeKey: 'conversation-tests',
      idleMs: 7 * 86_400_000,
      log: silentLogger,
      watches: new SqlWatches(db),
    });
    return this.runner;
  }

  async stop(): Promise<void> {
    await this.store?.close();
    this.guard.stop();
    await this.demo.stop();
  }
}

const SECRETS = new Map(demoUsers().flatMap((u) => u.tokens.map((t) => [u.username, t.secret] as const)));

/** The valid code of a demo user's token at `atMs`. */
export function demoCode(user: string, atMs: number): string | undefined {
  const secret = SECRETS.get(user);
  return secret ? generateSync({ secret, epoch: Math.floor(atMs / 1000) }) : undefined;
}
